/**
 * FFmpeg output options for MPEG-TS that another process reads live (a contribution on
 * its way to the transcoder), so that no stage waits on the next one:
 * - `-muxdelay 0`: the muxer would otherwise hold audio up to 0.7 s;
 * - `-pes_payload_size 0`: audio leaves frame by frame instead of in batches;
 * - `-omit_video_pes_length 0`: video PES headers carry their length, so the reading
 *   demuxer hands a frame on when its last byte arrives rather than when the next frame
 *   starts (one frame interval later; frames over 64 KiB still wait);
 * - `-flush_packets 1`: every packet is written out at once.
 */
export const LIVE_MPEGTS_OUTPUT: readonly string[] = ["-f", "mpegts", "-muxdelay", "0", "-pes_payload_size", "0", "-omit_video_pes_length", "0", "-flush_packets", "1"];
