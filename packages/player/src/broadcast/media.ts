import { isRecord } from "../shared/json";

export type Source = "camera" | "screen";

/** What a broadcast sends: one video track and one audio track. */
export interface Capture {
  video: MediaStreamTrack;
  /** Microphone, shared-tab audio, both mixed, or silence: the ingest always gets audio. */
  audio: MediaStreamTrack;
  /** The video alone, for the local preview. */
  preview: MediaStream;
  /** Stops every captured track and the audio mixer. */
  stop(): void;
}

/** 720p30 from a camera: the top rendition of the cluster's ladder. */
const CAMERA_VIDEO: MediaTrackConstraints = { width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 30 } };
/** A screen at up to 1080p (text stays legible), at most 30 frames a second. */
const SCREEN_VIDEO: MediaTrackConstraints = { width: { max: 1920 }, height: { max: 1080 }, frameRate: { ideal: 30, max: 30 } };
const MICROPHONE: MediaTrackConstraints = { echoCancellation: true, noiseSuppression: true, autoGainControl: true };

/**
 * Asks for the source's media. Call it straight from the click: `getDisplayMedia` needs
 * the user activation that awaiting anything else first could use up.
 */
export async function capture(source: Source): Promise<Capture> {
  const devices = navigator.mediaDevices;
  let tracks: MediaStreamTrack[];
  if (source === "camera") {
    const stream = await devices.getUserMedia({ video: CAMERA_VIDEO, audio: MICROPHONE }).catch((error: unknown) => {
      // No microphone: broadcast the camera alone (with silence) rather than nothing.
      if (errorName(error) === "NotFoundError") return devices.getUserMedia({ video: CAMERA_VIDEO });
      throw error;
    });
    tracks = stream.getTracks();
  } else {
    const screen = await devices.getDisplayMedia({ video: SCREEN_VIDEO, audio: true });
    // The microphone is a bonus here: sharing goes on without it when it is refused or absent.
    const microphone = await devices.getUserMedia({ audio: MICROPHONE }).catch(() => null);
    tracks = [...screen.getTracks(), ...(microphone?.getTracks() ?? [])];
  }
  let audio: ReturnType<typeof singleAudioTrack>;
  const video = tracks.find((track) => track.kind === "video");
  try {
    if (video === undefined) throw new DOMException("no video track", "NotFoundError");
    audio = singleAudioTrack(tracks.filter((track) => track.kind === "audio"));
  } catch (error) {
    for (const track of tracks) track.stop();
    throw error;
  }
  if (source === "screen") video.contentHint = "detail";
  return {
    video,
    audio: audio.track,
    preview: new MediaStream([video]),
    stop: () => {
      for (const track of tracks) track.stop();
      audio.close();
    },
  };
}

/** Cannot broadcast from this page, and why; null when it can. */
export function unsupportedReason(): string | null {
  if (!window.isSecureContext) {
    return "Browsers allow camera and screen capture only on secure pages: open this page over HTTPS (or on localhost).";
  }
  if (typeof RTCPeerConnection !== "function" || typeof navigator.mediaDevices?.getUserMedia !== "function") {
    return "This browser cannot broadcast: it lacks WebRTC. Try a current Chrome, Firefox, Edge or Safari.";
  }
  return null;
}

/** Whether this browser can share a screen (phones cannot). */
export function canShareScreen(): boolean {
  return typeof navigator.mediaDevices?.getDisplayMedia === "function";
}

/** A capture failure as the page explains it (from the `DOMException` name). */
export function captureProblem(error: unknown, source: Source): { code: string; message: string } {
  const camera = source === "camera";
  switch (errorName(error)) {
    case "NotAllowedError":
      return {
        code: "permission_denied",
        message: camera
          ? "Camera and microphone access was blocked. Allow it in the browser's site settings and try again."
          : "Screen sharing was cancelled or blocked.",
      };
    case "NotFoundError":
      return { code: "device_not_found", message: camera ? "No camera was found." : "There was nothing to share." };
    case "NotReadableError":
    case "AbortError":
      return {
        code: "device_busy",
        message: camera
          ? "The camera or microphone could not be started. Is another application using it?"
          : "The screen could not be captured.",
      };
    case "OverconstrainedError":
      return { code: "device_unsuitable", message: "The camera cannot deliver video this page can use." };
    default: {
      const detail = error instanceof Error && error.message !== "" ? `: ${error.message}` : ".";
      return { code: "capture_failed", message: `Could not start the ${camera ? "camera" : "screen capture"}${detail}` };
    }
  }
}

function errorName(error: unknown): string {
  return isRecord(error) && typeof error.name === "string" ? error.name : "";
}

/**
 * One audio track from none, one or several: several (shared-tab audio and the
 * microphone) are mixed, none becomes silence. `close` releases the mixer.
 */
function singleAudioTrack(tracks: MediaStreamTrack[]): { track: MediaStreamTrack; close: () => void } {
  const [only] = tracks;
  if (only !== undefined && tracks.length === 1) return { track: only, close: () => undefined };
  const context = new AudioContext();
  const destination = context.createMediaStreamDestination();
  for (const track of tracks) context.createMediaStreamSource(new MediaStream([track])).connect(destination);
  // Created after a click, so the autoplay policy lets it run; resume in case it starts suspended.
  void context.resume().catch(() => undefined);
  const [track] = destination.stream.getAudioTracks();
  if (track === undefined) throw new DOMException("no mixed audio track", "NotSupportedError");
  return {
    track,
    close: () => {
      track.stop();
      void context.close().catch(() => undefined);
    },
  };
}
