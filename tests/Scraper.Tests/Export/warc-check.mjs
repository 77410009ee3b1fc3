// An independent check of a WARC file, with warcio.js reading it (record boundaries, gzip members, headers):
// every block and payload digest is recomputed from what warcio read, and every record's lengths are checked.
// Usage: node warc-check.mjs <path to warcio's dist/index.js> <file.warc.gz>
// Prints one line per record ("ok <type> <uri>") or a "FAIL" line, and exits 1 if anything failed.
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { pathToFileURL } from "node:url";

const [modulePath, file] = process.argv.slice(2);
const { WARCParser } = await import(pathToFileURL(modulePath).href);

const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
function base32(bytes) {
  let bits = 0, value = 0, out = "";
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) { out += alphabet[(value >>> (bits - 5)) & 31]; bits -= 5; }
  }
  if (bits > 0) out += alphabet[(value << (5 - bits)) & 31];
  while (out.length % 8) out += "=";
  return out;
}
function digest(header, data) {
  const [algorithm] = header.split(":");
  const hash = createHash(algorithm.toLowerCase()).update(data).digest();
  return `${algorithm}:${base32(hash)}`;
}

const payloads = new Map(); // record id -> payload digest, for the revisit records that refer to them
let failed = 0;
const fail = (message) => { console.log(`FAIL ${message}`); failed++; };
const parser = new WARCParser(createReadStream(file), { parseHttp: false });
for await (const record of parser) {
  const type = record.warcType;
  const uri = record.warcTargetURI ?? "-";
  const block = Buffer.from(await record.readFully(false));
  const declared = Number(record.warcHeaders.headers.get("Content-Length"));
  if (declared !== block.length) fail(`${type} ${uri}: Content-Length ${declared}, block has ${block.length} bytes`);
  const blockDigest = record.warcHeaders.headers.get("WARC-Block-Digest");
  if (!blockDigest) fail(`${type} ${uri}: no WARC-Block-Digest`);
  else if (digest(blockDigest, block) !== blockDigest) fail(`${type} ${uri}: block digest ${blockDigest} != ${digest(blockDigest, block)}`);
  const payloadDigest = record.warcHeaders.headers.get("WARC-Payload-Digest");
  if (type === "response" || type === "resource") {
    let payload = block;
    if (type === "response") {
      const end = block.indexOf("\r\n\r\n");
      if (end < 0) { fail(`${type} ${uri}: no end of the HTTP header block`); continue; }
      payload = block.subarray(end + 4);
      const length = /\r\ncontent-length: *(\d+)\r\n/i.exec(block.subarray(0, end + 4).toString("latin1"));
      if (length && Number(length[1]) !== payload.length) fail(`${type} ${uri}: HTTP Content-Length ${length[1]}, payload has ${payload.length} bytes`);
    }
    if (!payloadDigest) fail(`${type} ${uri}: no WARC-Payload-Digest`);
    else if (digest(payloadDigest, payload) !== payloadDigest) fail(`${type} ${uri}: payload digest ${payloadDigest} != ${digest(payloadDigest, payload)}`);
    payloads.set(record.warcHeaders.headers.get("WARC-Record-ID"), payloadDigest);
  }
  if (type === "revisit") {
    // A revisit points at an earlier record holding the payload; identical-payload-digest ones carry its digest.
    const profile = record.warcHeaders.headers.get("WARC-Profile") ?? "";
    const refersTo = record.warcHeaders.headers.get("WARC-Refers-To");
    if (!/\/revisit\/(identical-payload-digest|server-not-modified)$/.test(profile)) fail(`${type} ${uri}: unknown WARC-Profile ${profile}`);
    if (refersTo && !payloads.has(refersTo)) fail(`${type} ${uri}: WARC-Refers-To ${refersTo} is no earlier record`);
    if (refersTo && profile.endsWith("identical-payload-digest") && payloads.get(refersTo) !== payloadDigest)
      fail(`${type} ${uri}: payload digest ${payloadDigest} differs from the record it refers to`);
  }
  console.log(`ok ${type} ${uri}`);
}
process.exit(failed ? 1 : 0);
