/** Full screen for the player box, or the video itself where only that works (iPhone Safari). */

interface WebkitVideo extends HTMLVideoElement {
  webkitEnterFullscreen?: () => void;
  webkitDisplayingFullscreen?: boolean;
}

export function isFullscreen(video: HTMLVideoElement): boolean {
  return document.fullscreenElement !== null || (video as WebkitVideo).webkitDisplayingFullscreen === true;
}

export function toggleFullscreen(box: HTMLElement, video: HTMLVideoElement): void {
  if (document.fullscreenElement !== null) {
    void document.exitFullscreen().catch(() => undefined);
    return;
  }
  if (document.fullscreenEnabled && typeof box.requestFullscreen === "function") {
    void box.requestFullscreen().catch(() => undefined);
    return;
  }
  (video as WebkitVideo).webkitEnterFullscreen?.();
}
