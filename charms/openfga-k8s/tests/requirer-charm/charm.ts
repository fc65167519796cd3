/**
 * The `openfga` requirer test charm: gets a store from openfga-k8s (`OpenFgaRequirer`) and, in
 * its `write-and-read` action, writes an authorization model and a tuple with `@openfga/sdk`,
 * then reads the tuple back and checks it, as a real client (JIMM) would.
 *
 * @example
 * ```ts
 * main(OpenFgaRequirerCharm);
 * ```
 */
import { createHash } from "node:crypto";
import { OpenFgaRequirer } from "../../../../lib/interfaces/openfga/index.js";
import {
  type ActionEvent,
  ActiveStatus,
  CharmBase,
  type CharmContext,
  type CollectStatusEvent,
  WaitingStatus,
} from "../../../../lib/ops/index.js";

/** The store this charm asks for. */
export const STORE_NAME = "test-openfga-store";

/** The test requirer. */
export class OpenFgaRequirerCharm extends CharmBase {
  readonly openfga: OpenFgaRequirer;

  constructor(ctx: CharmContext) {
    super(ctx);
    this.openfga = new OpenFgaRequirer(this, "openfga", { storeName: STORE_NAME });
    this.observe(this.on.action("write-and-read"), this.onWriteAndRead);
    this.observe(this.on.action("store-info"), this.onStoreInfo);
    this.observe(this.on.collectUnitStatus, this.onCollectStatus);
  }

  private onCollectStatus(event: CollectStatusEvent): void {
    const store = this.openfga.store();
    if (!store) event.addStatus(this.openfga.status() ?? new WaitingStatus("waiting for a store"));
    else event.addStatus(new ActiveStatus(`running with store ${store.storeId}`));
  }

  private onStoreInfo(event: ActionEvent): void {
    const store = this.openfga.store();
    if (!store) return event.fail("no store yet");
    event.setResults({
      "store-id": store.storeId,
      "http-api-url": store.httpApiUrl,
      "grpc-api-url": store.grpcApiUrl,
      "token-sha256": createHash("sha256").update(store.token).digest("hex"),
    });
  }

  private async onWriteAndRead(event: ActionEvent): Promise<void> {
    const store = this.openfga.store();
    if (!store) return event.fail("no store yet");
    const sdk = await import("@openfga/sdk");
    const client = new sdk.OpenFgaClient({
      apiUrl: store.httpApiUrl,
      storeId: store.storeId,
      credentials: { method: sdk.CredentialsMethod.ApiToken, config: { token: store.token } },
    });
    const model = await client.writeAuthorizationModel({
      schema_version: "1.1",
      type_definitions: [
        { type: "user" },
        {
          type: "document",
          relations: { viewer: { this: {} } },
          metadata: { relations: { viewer: { directly_related_user_types: [{ type: "user" }] } } },
        },
      ],
    });
    const tuple = { user: "user:anne", relation: "viewer", object: "document:readme" };
    // Idempotent: OpenFGA refuses to write a tuple that exists (the action may run again).
    const existing = await client.read(tuple);
    if (existing.tuples.length === 0) {
      await client.write(
        { writes: [tuple] },
        { authorizationModelId: model.authorization_model_id },
      );
    }
    const read = await client.read({ object: "document:readme" });
    const check = await client.check(
      { user: "user:anne", relation: "viewer", object: "document:readme" },
      { authorizationModelId: model.authorization_model_id },
    );
    event.setResults({
      "store-id": store.storeId,
      "tuples-read": String(read.tuples.length),
      "tuple-user": read.tuples[0]?.key.user ?? "",
      allowed: String(check.allowed),
    });
  }
}
