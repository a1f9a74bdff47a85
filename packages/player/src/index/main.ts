import { LIST_BACKOFF, backoffDelay } from "../shared/backoff";
import { byId, setShown, setText } from "../shared/dom";
import { parseStreamList, type StreamSummary } from "../shared/streams-api";
import { ffmpegPublishCommand, srtPublishUrl } from "./publish-hint";
import { StreamList } from "./stream-list";

/** How often the list is refreshed while the edge answers (ms). */
const POLL_MS = 3000;
/** A list request that takes longer than this counts as failed (ms). */
const REQUEST_TIMEOUT_MS = 5000;

async function fetchStreams(): Promise<StreamSummary[]> {
  const response = await fetch("/api/streams", {
    headers: { accept: "application/json" },
    cache: "no-store",
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  if (!response.ok) throw new Error(`the edge answered ${response.status}`);
  return parseStreamList(await response.json());
}

function main(): void {
  const list = new StreamList(byId("stream-list", HTMLUListElement));
  const status = byId("list-status", HTMLElement);
  const error = byId("list-error", HTMLElement);
  const empty = byId("empty", HTMLElement);

  const srtUrl = srtPublishUrl(location.hostname);
  setText(byId("srt-url", HTMLElement), srtUrl);
  setText(byId("ffmpeg-command", HTMLElement), ffmpegPublishCommand(srtPublishUrl(location.hostname, "mystream")));

  let failures = 0;
  let loaded = false;
  let timer: number | undefined;
  let inFlight = false;

  const poll = async (): Promise<void> => {
    window.clearTimeout(timer);
    if (inFlight) return;
    inFlight = true;
    let delay = POLL_MS;
    try {
      const streams = await fetchStreams();
      failures = 0;
      loaded = true;
      list.render(streams, Date.now());
      const live = streams.filter((s) => s.state === "live").length;
      setText(status, live === 1 ? "1 live" : `${live} live`);
      setShown(error, false);
      setShown(empty, streams.length === 0);
    } catch (cause) {
      delay = backoffDelay(failures, LIST_BACKOFF);
      failures += 1;
      const reason = cause instanceof Error ? cause.message : String(cause);
      setText(error, `Cannot reach the stream list (${reason}). Retrying in ${Math.ceil(delay / 1000)} s.`);
      setShown(error, true);
      if (!loaded) setText(status, "");
    } finally {
      inFlight = false;
    }
    // Hidden tabs do not poll; `visibilitychange` resumes.
    if (!document.hidden) timer = window.setTimeout(() => void poll(), delay);
  };

  document.addEventListener("visibilitychange", () => {
    if (!document.hidden) void poll();
    else window.clearTimeout(timer);
  });
  void poll();
}

main();
