import { formatBitrate } from "../shared/bitrate";
import { byId, setShown, setText } from "../shared/dom";
import { watchPath } from "../shared/stream-name";
import { exposeBroadcastState } from "./broadcast-state";
import { Broadcaster, type BroadcastState } from "./broadcaster";
import { rememberedKey, rememberKey } from "./key-store";
import { canShareScreen, unsupportedReason } from "./media";
import { formatVideo } from "./stats";

const STATE_LABELS: Record<BroadcastState, string> = {
  idle: "Not live",
  connecting: "Connecting",
  live: "Live",
  stopping: "Stopping",
  stopped: "Ended",
  failed: "Failed",
};

function main(): void {
  const form = byId("broadcast-form", HTMLFormElement);
  const source = byId("source", HTMLSelectElement);
  const key = byId("key", HTMLInputElement);
  const showKey = byId("show-key", HTMLButtonElement);
  const start = byId("start", HTMLButtonElement);
  const stop = byId("stop", HTMLButtonElement);
  const stateBadge = byId("state", HTMLElement);
  const connection = byId("connection", HTMLElement);
  const bitrate = byId("bitrate", HTMLElement);
  const resolution = byId("resolution", HTMLElement);
  const errorBox = byId("error", HTMLElement);
  const errorMessage = byId("error-message", HTMLElement);
  const errorCode = byId("error-code", HTMLElement);
  const watch = byId("watch", HTMLElement);
  const watchLink = byId("watch-link", HTMLAnchorElement);
  const preview = byId("preview", HTMLVideoElement);
  const previewEmpty = byId("preview-empty", HTMLElement);

  key.value = rememberedKey();
  showKey.addEventListener("click", () => {
    const reveal = key.type === "password";
    key.type = reveal ? "text" : "password";
    showKey.setAttribute("aria-pressed", String(reveal));
    setText(showKey, reveal ? "Hide" : "Show");
  });

  const unsupported = unsupportedReason();
  if (unsupported !== null) {
    setText(errorMessage, unsupported);
    setShown(errorBox, true);
    start.disabled = true;
    return;
  }
  const screenOption = source.querySelector<HTMLOptionElement>('option[value="screen"]');
  if (screenOption !== null && !canShareScreen()) {
    screenOption.disabled = true;
    setText(screenOption, "Screen (not available in this browser)");
  }

  const broadcaster = new Broadcaster({ endpoint: new URL("/whip", location.href).href, onUpdate: () => render() });

  const render = (): void => {
    const state = broadcaster.state;
    // Live, but the connection dropped: ICE may still recover within the grace period.
    const interrupted = state === "live" && broadcaster.connection === "disconnected";
    setText(stateBadge, interrupted ? "Interrupted" : STATE_LABELS[state]);
    stateBadge.dataset.state = interrupted ? "reconnecting" : state;
    start.disabled = broadcaster.busy;
    source.disabled = broadcaster.busy;
    key.readOnly = broadcaster.busy;
    stop.disabled = state !== "connecting" && state !== "live";

    setText(connection, broadcaster.connection ?? "—");
    const stats = broadcaster.stats;
    setText(bitrate, stats.bitrateKbps === null ? "—" : formatBitrate(stats.bitrateKbps * 1000));
    setText(resolution, formatVideo(stats));

    const error = broadcaster.error;
    setShown(errorBox, error !== null);
    setText(errorMessage, error?.message ?? "");
    setText(errorCode, error === null ? "" : error.status === null ? error.code : `${error.code} · HTTP ${error.status}`);

    const stream = broadcaster.stream;
    setShown(watch, state === "live" && stream !== null);
    if (stream !== null && watchLink.getAttribute("href") !== watchPath(stream)) {
      watchLink.href = watchPath(stream);
      setText(watchLink, watchLink.href);
    }

    const media = broadcaster.preview;
    if (preview.srcObject !== media) preview.srcObject = media;
    setShown(previewEmpty, media === null);
    document.title = state === "live" ? `Live${stream === null ? "" : ` · ${stream}`} · Tributary` : "Go live · Tributary";
  };

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const value = key.value.trim();
    if (value === "") {
      key.value = "";
      key.reportValidity();
      return;
    }
    rememberKey(value);
    // Straight from the click: screen capture needs the user activation it carries.
    void broadcaster.start(source.value === "screen" ? "screen" : "camera", value);
  });
  stop.addEventListener("click", () => void broadcaster.stop());

  exposeBroadcastState(window, broadcaster);
  window.addEventListener("pagehide", () => broadcaster.leave());
  // Back from the back-forward cache after `leave()`: start over.
  window.addEventListener("pageshow", (event) => {
    if (event.persisted) location.reload();
  });
  render();
}

main();
