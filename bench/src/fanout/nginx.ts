/**
 * The baseline server: nginx (Debian's package) serving a directory as static files, from a
 * configuration of our own in a temporary directory: in the foreground, one worker process,
 * no access log, a free port on loopback.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { freeTcpPort, stopProcess, waitFor } from "@tributary/common";

export interface StaticServer {
  url: string;
  /** The master process (the worker is its child). */
  pid: number;
  close(): Promise<void>;
}

/** `nginx` on PATH or in /usr/sbin, where Debian puts it. */
function nginxBinary(): string {
  return process.env.NGINX_BIN ?? "/usr/sbin/nginx";
}

export async function startNginx(root: string, workDir: string, maxConnections: number): Promise<StaticServer> {
  const port = await freeTcpPort();
  const conf = join(workDir, "nginx.conf");
  const connections = Math.max(1024, maxConnections * 2 + 64);
  await writeFile(
    conf,
    `# Written by bench/src/fanout/nginx.ts for one benchmark run.
daemon off;
master_process on;
worker_processes 1;
user root;
pid ${workDir}/nginx.pid;
error_log ${workDir}/nginx-error.log warn;
worker_rlimit_nofile ${connections + 64};
events {
  worker_connections ${connections};
}
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  tcp_nodelay on;
  keepalive_timeout 65;
  keepalive_requests 1000000;
  client_body_temp_path ${workDir}/body;
  proxy_temp_path ${workDir}/proxy;
  fastcgi_temp_path ${workDir}/fastcgi;
  uwsgi_temp_path ${workDir}/uwsgi;
  scgi_temp_path ${workDir}/scgi;
  types {
    application/vnd.apple.mpegurl m3u8;
    video/mp4 m4s mp4;
  }
  default_type application/octet-stream;
  server {
    listen 127.0.0.1:${port} reuseport;
    root ${root};
    location ~ \\.m3u8$ {
      add_header Cache-Control "no-cache";
    }
    location ~ \\.(m4s|mp4)$ {
      add_header Cache-Control "public, max-age=31536000, immutable";
    }
  }
}
`,
  );
  const lines: string[] = [];
  const child: ChildProcess = spawn(nginxBinary(), ["-c", conf, "-p", workDir, "-e", join(workDir, "nginx-error.log")], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (c: Buffer) => lines.push(c.toString()));
  child.stderr?.on("data", (c: Buffer) => lines.push(c.toString()));
  let failed: Error | undefined;
  child.once("error", (error) => (failed = new Error(`nginx could not start (apt-get install nginx): ${error.message}`)));
  child.once("exit", (code) => (failed ??= new Error(`nginx exited with ${code}: ${lines.join("").slice(-1000)}`)));
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitFor(
      async () => {
        if (failed) throw failed;
        const r = await fetch(`${url}/`, { signal: AbortSignal.timeout(1_000) }).catch(() => undefined);
        await r?.body?.cancel();
        return r !== undefined;
      },
      { timeoutMs: 10_000, intervalMs: 50, what: "nginx" },
    );
  } catch (error) {
    await stopProcess(child, { graceMs: 2_000 });
    throw error;
  }
  let closed: Promise<void> | undefined;
  return {
    url,
    pid: child.pid ?? 0,
    // SIGQUIT: graceful shutdown of master and worker.
    close: () => (closed ??= stopProcess(child, { signal: "SIGQUIT", graceMs: 5_000 })),
  };
}
