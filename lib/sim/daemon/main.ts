/**
 * The daemon process: `node --import tsx lib/sim/daemon/main.ts <home>`. `jaas bootstrap`
 * starts it detached, in its own process group, with its output going to `<home>/daemon.log`.
 *
 * @example
 * ```ts
 * // spawn(process.execPath, ["--import", "tsx", DAEMON_MAIN, home], { detached: true, cwd: REPO_ROOT })
 * ```
 *
 * @module
 */
import { homePaths, jaasHome } from "./home.js";
import { log, runDaemon } from "./run.js";

process.on("unhandledRejection", (reason) => {
  log(
    `unhandled rejection: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}`,
  );
});

const home = process.argv[2] ?? jaasHome();
runDaemon(homePaths(home)).then(
  () => process.exit(0),
  (e: unknown) => {
    log(`fatal: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    process.exit(1);
  },
);
