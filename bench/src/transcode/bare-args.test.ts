import { describe, expect, it } from "vitest";
import { bareArgs, graphFrameRate } from "./bare-args.js";

// What the origin's transcoder runs (packages/origin/src/transcode/ffmpeg-args.ts), two rungs and audio.
const frag = ["-f", "mp4", "-movflags", "+empty_moov+default_base_moof+frag_every_frame", "-flush_packets", "1"];
const argv = [
  "ffmpeg",
  ...["-hide_banner", "-nostdin", "-loglevel", "warning", "-nostats"],
  ...["-probesize", "1000000", "-analyzeduration", "1000000", "-f", "mpegts", "-i", "pipe:0"],
  ...["-filter_complex", "[0:v:0]fps=30,split=2[s0][s1];[s0]scale=854:480[v0];[s1]scale=640:360[v1]"],
  ...["-map", "[v0]", "-c:v", "libx264", "-preset", "veryfast", "-b:v", "1400k", ...frag, "pipe:3"],
  ...["-map", "[v1]", "-c:v", "libx264", "-preset", "veryfast", "-b:v", "800k", ...frag, "pipe:4"],
  ...["-map", "0:a:0", "-c:a", "aac", "-b:a", "128k", ...frag, "pipe:5"],
];

describe("bareArgs", () => {
  it("reads the file in real time and writes every rendition to the null muxer", () => {
    const args = bareArgs(argv, "/tmp/src.ts");
    expect(args.join(" ")).toBe(
      [
        "-hide_banner -nostdin -loglevel warning -nostats",
        "-probesize 1000000 -analyzeduration 1000000 -f mpegts -re -stream_loop -1 -i /tmp/src.ts",
        "-filter_complex [0:v:0]fps=30,split=2[s0][s1];[s0]scale=854:480[v0];[s1]scale=640:360[v1]",
        "-map [v0] -c:v libx264 -preset veryfast -b:v 1400k -f null /dev/null",
        "-map [v1] -c:v libx264 -preset veryfast -b:v 800k -f null /dev/null",
        "-map 0:a:0 -c:a aac -b:a 128k -f null /dev/null",
      ].join(" "),
    );
  });

  it("refuses argument lists it does not understand", () => {
    expect(() => bareArgs(["ffmpeg", "-i", "in.ts", "out.mp4"], "x")).toThrow(/pipe:0/);
    expect(() => bareArgs(["ffmpeg", "-i", "pipe:0", "out.mp4"], "x")).toThrow(/no pipe outputs/);
  });

  it("finds the output frame rate in the filter graph", () => {
    expect(graphFrameRate(argv)).toBe(30);
    expect(graphFrameRate(["-i", "x"])).toBeUndefined();
  });
});
