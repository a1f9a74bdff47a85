/**
 * A worker thread of the load generator: runs one ViewerGroup. The parent sends
 * `{ type: "start", options }`, then `{ type: "part", part }` for every manifest; the worker
 * answers `{ type: "ready" }` once loaded and `{ type: "report", report }` at the end.
 */
import { parentPort } from "node:worker_threads";
import type { PartPublished } from "./manifests.js";
import { ViewerGroup, type ViewerGroupOptions, type ViewerReport } from "./viewer.js";

export type ToWorker = { type: "start"; options: ViewerGroupOptions } | { type: "part"; part: PartPublished };
export type FromWorker = { type: "ready" } | { type: "report"; report: ViewerReport } | { type: "error"; message: string };

const port = parentPort;
if (port) {
  let group: ViewerGroup | undefined;
  const early: PartPublished[] = [];
  port.on("message", (message: ToWorker) => {
    if (message.type === "part") {
      if (group) group.published(message.part);
      else early.push(message.part);
      return;
    }
    group = new ViewerGroup(message.options);
    for (const part of early.splice(0)) group.published(part);
    group.run().then(
      (report) => {
        port.postMessage({ type: "report", report } satisfies FromWorker);
        port.close();
      },
      (error: unknown) => {
        port.postMessage({ type: "error", message: String(error) } satisfies FromWorker);
        port.close();
      },
    );
  });
  port.postMessage({ type: "ready" } satisfies FromWorker);
}
