// Serves the playground (www/) on localhost: a tiny static file server, no dependencies.
//
//   node scripts/serve-playground.mjs          # http://127.0.0.1:8080/
//   PORT=9000 node scripts/serve-playground.mjs
//   PORT=0 …                                   # any free port
//   HOST=0.0.0.0 …                             # listen beyond localhost (containers)
//
// Run `make pkg && node scripts/build-playground.mjs` first (the page loads www/pkg/).
// Also a module: `serve({ root, port, host })` resolves to { server, url } (the e2e tests
// start it on port 0).
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
export const defaultRoot = path.resolve(here, "..", "www");

export const MIME = {
  ".html": "text/html; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".md": "text/markdown; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
};

// The page needs nothing but its own origin. The same policy is in index.html's <meta>.
const CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

function send(res, status, type, body, head) {
  res.writeHead(status, {
    "Content-Type": type,
    "Content-Length": Buffer.byteLength(body),
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": CSP,
    "Referrer-Policy": "no-referrer",
  });
  res.end(head ? undefined : body);
}

/** A request handler serving the files under `root`. */
export function handler(root = defaultRoot) {
  const base = path.resolve(root);
  return (req, res) => {
    const head = req.method === "HEAD";
    if (req.method !== "GET" && !head) {
      send(res, 405, "text/plain; charset=utf-8", "method not allowed\n", head);
      return;
    }
    let rel;
    try {
      rel = decodeURIComponent(new URL(req.url, "http://localhost").pathname);
    } catch {
      send(res, 400, "text/plain; charset=utf-8", "bad request\n", head);
      return;
    }
    if (rel.endsWith("/")) {
      rel += "index.html";
    }
    const file = path.resolve(base, `.${rel}`);
    if (rel.includes("\0") || (file !== base && !file.startsWith(base + path.sep))) {
      send(res, 403, "text/plain; charset=utf-8", "forbidden\n", head);
      return;
    }
    fs.stat(file, (err, st) => {
      if (err || !st.isFile()) {
        const hint = rel.startsWith("/pkg/") ? " (run `make pkg && node scripts/build-playground.mjs`)" : "";
        send(res, 404, "text/plain; charset=utf-8", `not found: ${rel}${hint}\n`, head);
        return;
      }
      const type = MIME[path.extname(file).toLowerCase()] || "application/octet-stream";
      fs.readFile(file, (readErr, data) => {
        if (readErr) {
          send(res, 500, "text/plain; charset=utf-8", "read error\n", head);
          return;
        }
        send(res, 200, type, data, head);
      });
    });
  };
}

/** Starts the server; resolves to { server, url }. Port 0 picks a free port. */
export function serve({ root = defaultRoot, port = 8080, host = "127.0.0.1" } = {}) {
  return new Promise((resolve, reject) => {
    const server = http.createServer(handler(root));
    server.once("error", reject);
    server.listen(port, host, () => {
      const addr = server.address();
      resolve({ server, url: `http://${host}:${addr.port}/` });
    });
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const raw = process.env.PORT ?? "8080";
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`serve-playground: PORT must be a port number, got ${JSON.stringify(raw)}`);
    process.exit(2);
  }
  if (!fs.existsSync(path.join(defaultRoot, "pkg", "web.mjs"))) {
    console.error("serve-playground: www/pkg/ is missing: run `make pkg && node scripts/build-playground.mjs` first");
    process.exit(1);
  }
  const host = process.env.HOST || "127.0.0.1";
  serve({ port, host }).then(
    ({ url }) => console.log(`amojo-kit playground: ${url}  (Ctrl-C to stop)`),
    (e) => {
      console.error(`serve-playground: ${e.code === "EADDRINUSE" ? `port ${port} is in use; set PORT=…` : e.message}`);
      process.exit(1);
    },
  );
}
