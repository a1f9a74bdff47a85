/**
 * The baseline command: the origin's own transcoder arguments (read from the running
 * process), with the contribution pipe replaced by the source file played in real time and
 * every fMP4 pipe replaced by FFmpeg's null muxer. Same filter graph, same encoders and
 * settings: what is left to compare is everything the origin adds around FFmpeg.
 */

/** Options that only concern the fMP4 pipes, with their values. */
const MUXER_OPTIONS = new Set(["-movflags", "-flush_packets", "-frag_duration", "-frag_size", "-min_frag_duration"]);

export function bareArgs(transcoderArgv: readonly string[], source: string): string[] {
  // argv[0] is the program; the rest are its arguments.
  const args = transcoderArgv.slice(1);
  const input = args.findIndex((a, i) => a === "-i" && i + 1 < args.length && args[i + 1] === "pipe:0");
  if (input < 0) throw new Error(`the transcoder does not read pipe:0: ${args.join(" ")}`);
  const out: string[] = [];
  let outputs = 0;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (i === input) {
      // -re: real-time pacing, as the origin's contribution process does for a file source.
      out.push("-re", "-stream_loop", "-1", "-i", source);
      i++;
    } else if (a === "-f" && i > input && args[i + 1] !== undefined) {
      out.push("-f", "null");
      i++;
    } else if (MUXER_OPTIONS.has(a) && i > input) {
      i++;
    } else if (/^pipe:[1-9]\d*$/.test(a) && i > input) {
      out.push("/dev/null");
      outputs++;
    } else {
      out.push(a);
    }
  }
  if (outputs === 0) throw new Error(`the transcoder writes no pipe outputs: ${args.join(" ")}`);
  return out;
}

/** The output frame rate the filter graph asks for (`fps=N`), or undefined. */
export function graphFrameRate(args: readonly string[]): number | undefined {
  const graph = args[args.indexOf("-filter_complex") + 1];
  const match = graph === undefined ? null : /\bfps=(\d+(?:\.\d+)?)/.exec(graph);
  return match ? Number(match[1]) : undefined;
}
