// Interop charm: our tracing requirer. Its status shows the endpoint it read for each protocol
// it requested.
import { InterfaceDataError } from "../../../../lib/interfaces/common/databag.js";
import { TracingRequirer } from "../../../../lib/interfaces/tracing/index.js";
import type {
  EndpointChangedEvent,
  ReceiverProtocol,
} from "../../../../lib/interfaces/tracing/index.js";
import {
  ActiveStatus,
  BlockedStatus,
  CharmBase,
  type CharmContext,
  type CollectStatusEvent,
  WaitingStatus,
  main,
} from "../../../../lib/ops/index.js";

const PROTOCOLS: ReceiverProtocol[] = ["otlp_http", "otlp_grpc", "zipkin"];

class TsTracingRequirer extends CharmBase {
  private readonly tracing: TracingRequirer;

  constructor(ctx: CharmContext) {
    super(ctx);
    this.tracing = new TracingRequirer(this, { protocols: PROTOCOLS });
    this.observe(this.tracing.endpointChanged, this.onEndpointChanged);
    this.observe(this.on.collectUnitStatus, this.onCollectUnitStatus);
  }

  onEndpointChanged(event: EndpointChangedEvent): void {
    this.log.info(
      `tracing receivers on relation ${event.relationId}: ` +
        event.receivers.map((r) => r.protocol.name).join(","),
    );
  }

  onCollectUnitStatus(event: CollectStatusEvent): void {
    if (this.tracing.relation === undefined) {
      return event.addStatus(new BlockedStatus("needs tracing"));
    }
    try {
      const urls = PROTOCOLS.map((p) => [p, this.tracing.getEndpoint(p)] as const);
      if (urls.some(([, url]) => url === undefined)) {
        return event.addStatus(new WaitingStatus("waiting for the tracing receivers"));
      }
      event.addStatus(new ActiveStatus(`ready ${urls.map(([p, u]) => `${p}=${u}`).join(" ")}`));
    } catch (e) {
      if (!(e instanceof InterfaceDataError)) throw e;
      event.addStatus(new BlockedStatus(e.statusMessage));
    }
  }
}

main(TsTracingRequirer);
