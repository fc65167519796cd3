/** The keeper test charm: storage hooks write a marker file in the storage location. */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  type ActionEvent,
  CharmBase,
  type CharmContext,
  type StorageEvent,
} from "../../../../ops/index.js";

/** The keeper charm. */
export class KeeperCharm extends CharmBase {
  constructor(ctx: CharmContext) {
    super(ctx);
    this.observe(this.on.storage("data").attached, this.onAttached);
    this.observe(this.on.action("add-storage"), (e: ActionEvent) =>
      this.model.requestStorage("data", Number(e.params.count ?? 1)),
    );
  }

  onAttached(event: StorageEvent): void {
    writeFileSync(join(event.storage.location, "attached"), `${event.storage.id}\n`);
  }
}
