// Plain HTTP for the campaign: any bytes in bodies and headers, chunked uploads,
// a cookie jar, hand-built multipart bodies and the hidden fields of server action forms.
import { Agent, request as httpRequest, type IncomingHttpHeaders } from "node:http";

export interface Req {
  method: string;
  /** Path and query, as sent on the request line. */
  path: string;
  headers: Record<string, string | string[]>;
  body?: Buffer;
  /** Send the body chunked, without Content-Length (the server must count the stream). */
  chunked?: boolean;
  /** Set on the one resend after a kept-alive socket was reset (see send). */
  retried?: boolean;
}

export interface Res {
  /** 0 when no response came (connection error or timeout: see `error`). */
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  error?: string;
  ms: number;
}

const agent = new Agent({ keepAlive: true, maxSockets: 32 });

/** One request; never rejects: a request that got no answer has status 0 and an error. */
export function send(base: string, req: Req, timeoutMs = 60_000): Promise<Res> {
  const started = Date.now();
  return new Promise((resolve) => {
    let settled = false;
    let responded = false;
    const done = (res: Omit<Res, "ms">) => {
      if (settled) return;
      settled = true;
      resolve({ ...res, ms: Date.now() - started });
    };
    const headers: Record<string, string | string[]> = { ...req.headers };
    if (req.body && !req.chunked) headers["content-length"] = String(req.body.length);
    const client = httpRequest(`${base}${req.path}`, { method: req.method, headers, agent }, (res) => {
      responded = true;
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => done({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
      res.on("error", (error) => done({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString(), error: error.message }));
    });
    client.setTimeout(timeoutMs, () => client.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    client.on("error", (error) => {
      // A server may answer (413) before the whole body is written, then close: keep its answer.
      if (responded) return;
      // A kept-alive socket the server closed as this request went out: browsers resend on a new
      // connection, and so does this client (once). A fresh socket's reset still counts as no answer.
      if (client.reusedSocket && (error as NodeJS.ErrnoException).code === "ECONNRESET" && !req.retried) {
        void send(base, { ...req, retried: true }, timeoutMs).then((res) => done(res));
        return;
      }
      done({ status: 0, headers: {}, body: "", error: error.message });
    });
    if (req.body && req.chunked) {
      for (let at = 0; at < req.body.length; at += 16_384) client.write(req.body.subarray(at, at + 16_384));
      client.end();
    } else {
      client.end(req.body);
    }
  });
}

export function setCookies(res: Res): string[] {
  const raw = res.headers["set-cookie"];
  return raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
}

/** The value a response sets for cookie `name` (undefined when it sets none; "" when it deletes it). */
export function setCookieValue(res: Res, name: string): string | undefined {
  for (const line of setCookies(res)) {
    const [pair, ...attributes] = line.split(";");
    const eq = pair.indexOf("=");
    if (pair.slice(0, eq).trim() !== name) continue;
    const deleting = attributes.some((a) => /^\s*max-age\s*=\s*0\s*$/i.test(a));
    return deleting ? "" : pair.slice(eq + 1).trim();
  }
  return undefined;
}

/** The browsing client's cookies: what each response sets, sent back on the next request. */
export class CookieJar {
  private readonly cookies = new Map<string, string>();

  header(): string | undefined {
    if (this.cookies.size === 0) return undefined;
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  }

  get(name: string): string | undefined {
    return this.cookies.get(name);
  }

  update(res: Res): void {
    for (const line of setCookies(res)) {
      const pair = line.split(";")[0];
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      const value = setCookieValue(res, name);
      if (value) this.cookies.set(name, value);
      else this.cookies.delete(name);
    }
  }
}

export interface Part {
  name: string;
  value: string | Buffer;
  filename?: string;
}

const BOUNDARY = "----CampaignBoundary7e3f9c2a1b5d";

/** A multipart/form-data body built by hand: raw bytes (invalid UTF-8, CR/LF) go as they are. */
export function multipart(parts: Part[]): { body: Buffer; contentType: string } {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const value = typeof part.value === "string" ? Buffer.from(part.value) : part.value;
    if (value.includes(BOUNDARY)) throw new Error("a form value contains the multipart boundary");
    const file = part.filename === undefined ? "" : `; filename="${part.filename}"\r\nContent-Type: application/octet-stream`;
    chunks.push(Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="${part.name}"${file}\r\n\r\n`), value, Buffer.from("\r\n"));
  }
  chunks.push(Buffer.from(`--${BOUNDARY}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${BOUNDARY}` };
}

export { hiddenFields, pageText } from "../html";
