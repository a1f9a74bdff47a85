import { createSocket, type Socket } from "node:dgram";

/**
 * An even UDP port and the odd one after it, both free on `host` when this resolves: FFmpeg
 * receives RTP on a section's port and RTCP on the next (RFC 3550), and cannot be handed
 * sockets, so the ports are probed, released, and then given to FFmpeg to bind.
 */
export async function freeUdpPortPair(host: string): Promise<number> {
  for (let attempt = 0; attempt < 32; attempt++) {
    const rtp = await bind(host, 0);
    const port = rtp.address().port;
    const rtcp = port % 2 === 0 ? await bind(host, port + 1).catch(() => undefined) : undefined;
    rtp.close();
    rtcp?.close();
    if (rtcp) return port;
  }
  throw new Error(`no free pair of UDP ports on ${host}`);
}

function bind(host: string, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = createSocket("udp4");
    socket.once("error", (error) => {
      socket.close();
      reject(error);
    });
    socket.bind(port, host, () => resolve(socket));
  });
}
