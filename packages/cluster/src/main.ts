import { runService } from "@tributary/common";
import { SingleNode } from "./single-node.js";

/** `npm start`: the single-node cluster until Ctrl-C. */
await runService(
  () => new SingleNode(),
  (node) => {
    const watch = node.watchUrl;
    const own = node.publishUrl(node.ownKey);
    const demo = node.generatedKeys
      ? `\n  watch the demo:     ${watch}/watch/demo` +
        `\n  publish your own:   ffmpeg -re -i input.mp4 -c:v libx264 -tune zerolatency -c:a aac -f mpegts "${own}"` +
        `\n                      (OBS: Server ${own}), then ${watch}/watch/mystream` +
        `\n  or from a browser:  ${watch}/broadcast with the key ${node.ownKey}`
      : `\n  publish to:         ${node.publishUrl("<key from STREAM_KEYS>")} or ${watch}/broadcast`;
    console.log(`\nTributary is running (single node).${demo}\n  all streams:        ${watch}/\n  Ctrl-C stops everything.\n`);
  },
);
