/**
 * Relation and cross-model verbs: `integrate` (alias `relate`), `remove-relation`, `offer`,
 * `consume`, `remove-saas`.
 *
 * @example
 * ```ts
 * registerRelationCommands(program, ctx);
 * // jaas offer db.postgresql:database pg
 * // jaas consume -m jaas admin/db.pg
 * // jaas integrate jimm:database pg
 * ```
 */
import type { Command } from "commander";
import type { OfferInfo } from "../../sim/controller.js";
import type { CliContext } from "../context.js";
import { UsageError } from "../errors.js";

/**
 * Registers the relation and cross-model verbs.
 *
 * @example
 * ```ts
 * registerRelationCommands(new Command("jaas"), ctx);
 * ```
 */
export function registerRelationCommands(program: Command, ctx: CliContext): void {
  program
    .command("integrate")
    .alias("relate")
    .description("Integrate two applications (endpoints inferred when left out)")
    .argument("<app1[:endpoint]>")
    .argument("<app2[:endpoint]>")
    .option("-m, --model <model>")
    .action(async (a: string, b: string, opts: { model?: string }) => {
      await ctx.request("integrate", { model: ctx.model(opts.model), a, b });
    });

  program
    .command("remove-relation")
    .description("Remove a relation, by its two endpoints or its id")
    .argument("<app1[:endpoint]|relation-id>")
    .argument("[app2[:endpoint]]")
    .option("-m, --model <model>")
    .action(async (a: string, b: string | undefined, opts: { model?: string }) => {
      const model = ctx.model(opts.model);
      if (b === undefined) {
        if (!/^\d+$/.test(a))
          throw new UsageError("a relation must involve two applications, or be given by its id");
        await ctx.request("remove-relation", { model, id: Number(a) });
      } else await ctx.request("remove-relation", { model, a, b });
    });

  program
    .command("offer")
    .description("Offer application endpoints to other models")
    .argument("<[model.]app:endpoint[,...]>")
    .argument("[offer-name]")
    .option("-m, --model <model>")
    .action(async (spec: string, name: string | undefined, opts: { model?: string }) => {
      let model: string;
      let appSpec = spec;
      const dot = spec.indexOf(".");
      const colon = spec.indexOf(":");
      if (dot > 0 && (colon < 0 || dot < colon)) {
        model = spec.slice(0, dot);
        appSpec = spec.slice(dot + 1);
      } else model = ctx.model(opts.model);
      const offer = (await ctx.request("offer", {
        model,
        spec: appSpec,
        ...(name !== undefined ? { name } : {}),
      })) as OfferInfo;
      ctx.note(
        `Application "${offer.app}" endpoints [${offer.endpoints.join(" ")}] available at "${offer.url}"`,
      );
    });

  program
    .command("consume")
    .description("Add a remote offer to the model (a SAAS entry)")
    .argument("<[qualifier/]model.offer>")
    .argument("[local-name]")
    .option("-m, --model <model>")
    .action(async (url: string, alias: string | undefined, opts: { model?: string }) => {
      const result = (await ctx.request("consume", {
        model: ctx.model(opts.model),
        url,
        ...(alias !== undefined ? { alias } : {}),
      })) as { name: string };
      ctx.note(`Added ${url} as ${result.name}`);
    });

  program
    .command("remove-saas")
    .description("Remove a consumed offer and its relations")
    .argument("<saas-name>")
    .option("-m, --model <model>")
    .action(async (name: string, opts: { model?: string }) => {
      await ctx.request("remove-saas", { model: ctx.model(opts.model), name });
    });
}
