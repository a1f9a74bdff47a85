import type { SourceInfo } from "../transcode/ladder.js";

/**
 * Reads what FFmpeg prints about its input ("Input #0 ... Stream #0:0: Video: h264 ...,
 * 1280x720 ..., 30 fps") to learn the source's size, frame rate and whether it has audio.
 * FFmpeg prints this block once the input is probed and before it writes any output, so
 * the ladder can be planned before the first byte is transcoded. The format has been
 * stable across FFmpeg releases for a decade; `ffprobe` would need a second connection.
 */
export class SourceProbe {
  private inInput = false;
  private video: { width: number; height: number; frameRate: number } | undefined;
  private audio = false;

  /**
   * Feeds one stderr line; returns the source once the input block is complete, or
   * `"no-video"` when the input turned out to carry no video stream.
   */
  line(text: string): SourceInfo | "no-video" | undefined {
    if (text.startsWith("Input #0")) {
      this.inInput = true;
      return undefined;
    }
    if (!this.inInput) return undefined;
    if (/^\s+Stream #0:\d+/.test(text)) {
      const video = / Video: .*?(\d{2,5})x(\d{2,5})/.exec(text);
      if (video && !this.video) {
        const fps = /([\d.]+) fps/.exec(text) ?? /([\d.]+) tbr/.exec(text);
        this.video = { width: Number(video[1]), height: Number(video[2]), frameRate: fps ? Number(fps[1]) : 0 };
      }
      if (/ Audio: /.test(text)) this.audio = true;
      return undefined;
    }
    // The block ends at the first line that is neither indented nor a stream.
    if (!/^\s/.test(text)) {
      this.inInput = false;
      return this.video ? { ...this.video, hasAudio: this.audio } : "no-video";
    }
    return undefined;
  }
}
