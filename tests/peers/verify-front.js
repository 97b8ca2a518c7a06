#!/usr/bin/env node
// SPDX-License-Identifier: GPL-3.0-or-later
//
// A front for a local DynamoDB or S3 server that checks SigV4 the way AWS does.
//
// None of the local servers checks signatures, so every request is re-signed here with the
// AWS SDK for JavaScript's signer (@smithy/signature-v4) from the headers the client says it
// signed, with the test credentials. Any difference gets 403 SignatureDoesNotMatch (a
// DynamoDB JSON error or an S3 XML error, with the canonical request the SDK expected);
// otherwise the request goes on to the server, unchanged but for Host.
//
// Faults for the retry and resume tests, each a share of the matching requests (0..1):
//   --fault-throttle    throttling error, not forwarded (DynamoDB 400 Throttling / S3 503 SlowDown)
//   --fault-500         500 InternalServerError, not forwarded
//   --fault-500-after   forwarded (so applied), then 500 instead of the real answer
//   --fault-drop        connection closed before forwarding
//   --fault-drop-after  forwarded (so applied), then the connection closed without an answer
//   --fault-truncate    forwarded, the status, headers and half the body sent, then closed
//   --fault-stall       never answered, not forwarded: the client waits (a kill -9 test
//                       stops it there)
//   --fault-match RE    only requests whose "METHOD PATH TARGET" matches RE
//   --fault-after N     the first N matching requests pass untouched
//   --fault-seed N      deterministic choice of the faulty requests
// Each flag also reads from the environment (AF_FRONT_FAULT_THROTTLE, …), and can be changed
// while running: POST /__af-front/faults with a JSON object {"throttle": 0.2, …}.
// GET /__af-front/stats answers counts. Neither is a valid S3 bucket path nor a DynamoDB call.
'use strict';

const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const { SignatureV4, getCanonicalHeaders, getPayloadHash } = require('@smithy/signature-v4');
const { Sha256 } = require('@aws-crypto/sha256-js');

const FAULTS = ['throttle', '500', '500-after', 'drop', 'drop-after', 'truncate', 'stall'];
const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
const CONTROL_PREFIX = '/__af-front/';

function parseArguments(argv) {
  const options = {
    service: 'dynamodb', listenHost: '127.0.0.1', listenPort: 0, target: null,
    region: 'us-east-1', accessKeyId: 'AKIDAFTEST', secretAccessKey: 'af-test-secret',
    sessionToken: null, maxSkewSeconds: 900, portFile: null, faults: {}, faultMatch: null,
    faultSeed: null, faultAfter: 0, quiet: false, forwardAccessKeyId: null, forwardSecretAccessKey: null,
  };
  for (const fault of FAULTS) {
    const value = process.env['AF_FRONT_FAULT_' + fault.toUpperCase().replace(/-/g, '_')];
    options.faults[fault] = value ? Number(value) : 0;
  }
  if (process.env.AF_FRONT_FAULT_MATCH)
    options.faultMatch = process.env.AF_FRONT_FAULT_MATCH;
  if (process.env.AF_FRONT_FAULT_AFTER)
    options.faultAfter = Number(process.env.AF_FRONT_FAULT_AFTER);
  if (process.env.AF_FRONT_FAULT_SEED)
    options.faultSeed = Number(process.env.AF_FRONT_FAULT_SEED);

  const names = {
    '--service': 'service', '--listen-host': 'listenHost', '--listen-port': 'listenPort',
    '--target': 'target', '--region': 'region', '--access-key-id': 'accessKeyId',
    '--secret-access-key': 'secretAccessKey', '--session-token': 'sessionToken',
    '--max-skew-seconds': 'maxSkewSeconds', '--port-file': 'portFile',
    '--fault-match': 'faultMatch', '--fault-seed': 'faultSeed', '--fault-after': 'faultAfter',
    '--forward-access-key-id': 'forwardAccessKeyId',
    '--forward-secret-access-key': 'forwardSecretAccessKey',
  };
  for (let i = 2; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === '--quiet') {
      options.quiet = true;
    } else if (flag.startsWith('--fault-') && FAULTS.includes(flag.slice(8))) {
      options.faults[flag.slice(8)] = Number(argv[++i]);
    } else if (names[flag]) {
      options[names[flag]] = argv[++i];
    } else {
      throw new Error(`unknown option ${flag}`);
    }
  }
  if (!options.target)
    throw new Error('--target http://127.0.0.1:PORT is required');
  if (options.service !== 'dynamodb' && options.service !== 's3')
    throw new Error('--service is dynamodb or s3');
  options.listenPort = Number(options.listenPort);
  options.maxSkewSeconds = Number(options.maxSkewSeconds);
  if (options.faultSeed !== null)
    options.faultSeed = Number(options.faultSeed);
  return options;
}

// mulberry32: a small seeded generator, so that a fault run can be replayed.
function makeRandom(seed) {
  if (seed === null || Number.isNaN(seed))
    return Math.random;
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6D2B79F5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++)
      c = c & 1 ? 0xEDB88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(buffer) {
  let crc = 0xFFFFFFFF;
  for (const byte of buffer)
    crc = CRC_TABLE[(crc ^ byte) & 0xFF] ^ (crc >>> 8);
  return (crc ^ 0xFFFFFFFF) >>> 0;
}

function xmlEscape(text) {
  return String(text).replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

class Front {
  constructor(options) {
    this.options = options;
    this.random = makeRandom(options.faultSeed);
    this.matched = 0;
    this.stats = { requests: 0, verified: 0, rejected: 0, forwarded: 0, faults: {} };
    for (const fault of FAULTS)
      this.stats.faults[fault] = 0;
    this.target = new URL(options.target);
    this.signer = new SignatureV4({
      service: options.service,
      region: options.region,
      credentials: {
        accessKeyId: options.accessKeyId,
        secretAccessKey: options.secretAccessKey,
        sessionToken: options.sessionToken || undefined,
      },
      sha256: Sha256,
      // S3 alone: the path is signed as sent, and x-amz-content-sha256 is required.
      uriEscapePath: options.service !== 's3',
      applyChecksum: options.service === 's3',
    });
    // s3rver checks signatures itself, with its own fixed key: what was verified here is
    // signed again for it.
    this.forwardSigner = options.forwardAccessKeyId ? new SignatureV4({
      service: options.service,
      region: options.region,
      credentials: { accessKeyId: options.forwardAccessKeyId,
        secretAccessKey: options.forwardSecretAccessKey },
      sha256: Sha256,
      uriEscapePath: options.service !== 's3',
      applyChecksum: options.service === 's3',
    }) : null;
  }

  log(...parts) {
    if (!this.options.quiet)
      console.error(`[front ${this.options.service}]`, ...parts);
  }

  // ---- answers -------------------------------------------------------------------------

  sendError(req, res, status, code, message, extra = {}) {
    const requestId = crypto.randomUUID();
    let body;
    const headers = {};
    if (this.options.service === 'dynamodb') {
      const prefix = extra.coral ? 'com.amazon.coral.service#' : 'com.amazonaws.dynamodb.v20120810#';
      body = Buffer.from(JSON.stringify({ __type: prefix + code, message }));
      headers['content-type'] = 'application/x-amz-json-1.0';
      headers['x-amzn-requestid'] = requestId;
      headers['x-amz-crc32'] = String(crc32(body));
    } else {
      const details = Object.entries(extra.xml || {})
        .map(([name, value]) => `<${name}>${xmlEscape(value)}</${name}>`).join('');
      body = Buffer.from('<?xml version="1.0" encoding="UTF-8"?>\n<Error>' +
        `<Code>${code}</Code><Message>${xmlEscape(message)}</Message>${details}` +
        `<RequestId>${requestId}</RequestId></Error>`);
      headers['content-type'] = 'application/xml';
      headers['x-amz-request-id'] = requestId;
    }
    headers['content-length'] = String(req.method === 'HEAD' ? 0 : body.length);
    if (status === 503 || code.includes('Throttl'))
      headers['retry-after'] = '0';
    res.writeHead(status, headers);
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  reject(req, res, status, code, message, extra) {
    this.stats.rejected++;
    this.log(`rejected ${req.method} ${req.url}: ${code}: ${message}`);
    this.sendError(req, res, status, code, message, extra);
  }

  // ---- the request as the signer sees it --------------------------------------------------

  // Node has joined nothing yet in rawHeaders: repeated headers are joined with "," as
  // SigV4 wants (req.headers would join some with ", ").
  static collectHeaders(req) {
    const headers = {};
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      const name = req.rawHeaders[i].toLowerCase();
      const value = req.rawHeaders[i + 1];
      headers[name] = name in headers ? `${headers[name]},${value}` : value;
    }
    return headers;
  }

  static decodeComponent(text) {
    try {
      return decodeURIComponent(text);
    } catch {
      return text;
    }
  }

  // "a=1&a=2&flag" → { a: ['1', '2'], flag: '' }; "+" stays a plus, as in SigV4.
  static parseQuery(queryString) {
    const query = {};
    for (const part of queryString.split('&')) {
      if (part === '')
        continue;
      const equals = part.indexOf('=');
      const name = Front.decodeComponent(equals < 0 ? part : part.slice(0, equals));
      const value = equals < 0 ? '' : Front.decodeComponent(part.slice(equals + 1));
      if (!(name in query))
        query[name] = value;
      else if (Array.isArray(query[name]))
        query[name].push(value);
      else
        query[name] = [query[name], value];
    }
    return query;
  }

  static parseAuthorization(value) {
    const match = /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request,\s*SignedHeaders=([a-z0-9;._-]+),\s*Signature=([0-9a-f]{64})$/.exec(value || '');
    if (!match)
      return null;
    const [, accessKeyId, date, region, service, signedHeaders, signature] = match;
    return { accessKeyId, date, region, service, signedHeaders: signedHeaders.split(';'), signature };
  }

  static parseAmzDate(text) {
    const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text || '');
    if (!match)
      return null;
    const [, y, mo, d, h, mi, s] = match.map(Number);
    return new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  }

  // ---- verification -----------------------------------------------------------------------

  // Returns null when the request is signed right, else [status, code, message, extra].
  async verify(req, body) {
    const headers = Front.collectHeaders(req);
    const auth = Front.parseAuthorization(headers.authorization);
    const coral = { coral: true };
    req.verifiedAuth = auth;

    if (!headers.authorization)
      return this.options.service === 'dynamodb'
        ? [400, 'MissingAuthenticationTokenException', 'Request is missing Authentication Token', coral]
        : [403, 'AccessDenied', 'Access Denied'];
    if (!auth)
      return this.options.service === 'dynamodb'
        ? [400, 'IncompleteSignatureException', 'Authorization header is not a SigV4 header', coral]
        : [400, 'AuthorizationHeaderMalformed', 'The authorization header is malformed'];
    if (auth.accessKeyId !== this.options.accessKeyId)
      return this.options.service === 'dynamodb'
        ? [400, 'UnrecognizedClientException', 'The security token included in the request is invalid.', coral]
        : [403, 'InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.'];
    if ((headers['x-amz-security-token'] || null) !== (this.options.sessionToken || null))
      return this.options.service === 'dynamodb'
        ? [400, 'UnrecognizedClientException', 'The security token included in the request is invalid.', coral]
        : [403, 'InvalidToken', 'The provided token is malformed or otherwise invalid.'];

    const date = Front.parseAmzDate(headers['x-amz-date']);
    if (!date || !auth.signedHeaders.includes('x-amz-date') || !auth.signedHeaders.includes('host'))
      return [403, 'SignatureDoesNotMatch', 'host and x-amz-date must be present and signed', coral];
    if (this.options.maxSkewSeconds > 0 &&
        Math.abs(Date.now() - date.getTime()) > this.options.maxSkewSeconds * 1000)
      return this.options.service === 'dynamodb'
        ? [400, 'InvalidSignatureException', `Signature expired: ${headers['x-amz-date']} is too far from now`, coral]
        : [403, 'RequestTimeTooSkewed', 'The difference between the request time and the current time is too large.'];

    if (this.options.service === 's3') {
      const declared = headers['x-amz-content-sha256'];
      if (!declared)
        return [400, 'InvalidRequest', 'Missing required header for this request: x-amz-content-sha256'];
      const actual = crypto.createHash('sha256').update(body).digest('hex');
      if (declared !== UNSIGNED_PAYLOAD && declared !== actual)
        return [400, 'XAmzContentSHA256Mismatch',
          "The provided 'x-amz-content-sha256' header does not match what was computed.",
          { xml: { ClientComputedContentSHA256: declared, S3ComputedContentSHA256: actual } }];
    }

    const { expected, canonicalRequest } = await this.expectedSignature(req, headers, auth, date, body);
    if (expected === auth.signature)
      return null;
    return [403, 'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided. ' +
      `Check your AWS Secret Access Key and signing method. The Canonical String for this request should have been '${canonicalRequest}'`,
      { coral: true, xml: { SignatureProvided: auth.signature, CanonicalRequest: canonicalRequest } }];
  }

  // The SDK signs the request as it arrived, restricted to the headers the client signed:
  // that is what AWS does (a proxy may add unsigned headers on the way).
  static signable(req, headers, signedNames, body) {
    const [path, ...rest] = req.url.split('?');
    const signed = {};
    for (const name of signedNames)
      if (name in headers)
        signed[name] = headers[name];
    return {
      method: req.method, protocol: 'http:', hostname: (headers.host || '').replace(/:\d+$/, ''),
      path, query: Front.parseQuery(rest.join('?')), headers: signed,
      body: body.length > 0 ? body : undefined,
    };
  }

  async expectedSignature(req, headers, auth, date, body) {
    const request = Front.signable(req, headers, auth.signedHeaders, body);
    const options = {
      signingDate: date, signingRegion: this.options.region, signingService: this.options.service,
      signableHeaders: new Set(auth.signedHeaders),
    };
    let expected;
    if ('date' in request.headers) {
      // signRequest drops a Date header before signing; sign with its parts instead.
      expected = (await this.signParts(request, options)).signature;
    } else {
      const result = await this.signer.sign(request, options);
      expected = Front.parseAuthorization(result.headers.authorization)?.signature;
    }
    const { canonicalRequest } = await this.signParts(request, options);
    return { expected, canonicalRequest };
  }

  // The SDK's own building blocks, for the message and the Date case.
  async signParts(request, options) {
    const longDate = request.headers['x-amz-date'];
    const shortDate = longDate.slice(0, 8);
    const scope = `${shortDate}/${options.signingRegion}/${options.signingService}/aws4_request`;
    const canonicalHeaders = getCanonicalHeaders(request, undefined, options.signableHeaders);
    const payloadHash = await getPayloadHash(request, Sha256);
    const canonicalRequest = this.signer.createCanonicalRequest(request, canonicalHeaders, payloadHash);
    const credentials = { accessKeyId: this.options.accessKeyId,
      secretAccessKey: this.options.secretAccessKey };
    const signature = await this.signer.getSignature(longDate, scope,
      this.signer.getSigningKey(credentials, options.signingRegion, shortDate, options.signingService),
      canonicalRequest);
    return { signature, canonicalRequest };
  }

  // ---- faults -----------------------------------------------------------------------------

  pickFault(req, headers) {
    const { faults, faultMatch } = this.options;
    if (faultMatch) {
      const subject = `${req.method} ${req.url} ${headers['x-amz-target'] || ''}`;
      if (!new RegExp(faultMatch).test(subject))
        return null;
    }
    if (this.matched++ < Number(this.options.faultAfter || 0))
      return null;
    let roll = this.random();
    for (const fault of FAULTS) {
      if (roll < (faults[fault] || 0))
        return fault;
      roll -= faults[fault] || 0;
    }
    return null;
  }

  answerFault(req, res, fault) {
    this.stats.faults[fault]++;
    this.log(`fault ${fault} on ${req.method} ${req.url}`);
    if (fault === 'stall') {
      // no answer: the socket closes when the client goes away
    } else if (fault === 'drop' || fault === 'drop-after') {
      req.socket.destroy();
    } else if (fault === 'throttle') {
      if (this.options.service === 'dynamodb')
        this.sendError(req, res, 400, this.random() < 0.5 ? 'ThrottlingException'
          : 'ProvisionedThroughputExceededException', 'Rate of requests exceeds the allowed throughput.',
          { coral: false });
      else
        this.sendError(req, res, 503, 'SlowDown', 'Please reduce your request rate.');
    } else {
      this.sendServerError(req, res);
    }
  }

  sendServerError(req, res) {
    if (this.options.service === 'dynamodb')
      this.sendError(req, res, 500, 'InternalServerError', 'Internal server error (injected)');
    else
      this.sendError(req, res, 500, 'InternalError', 'We encountered an internal error. Please try again.');
  }

  // ---- forwarding -------------------------------------------------------------------------

  async resign(req, headers, body) {
    const auth = req.verifiedAuth;
    const request = Front.signable(req, headers, auth.signedHeaders, body);
    delete request.headers['x-amz-security-token'];
    const signed = await this.forwardSigner.sign(request, {
      signingDate: Front.parseAmzDate(headers['x-amz-date']),
      signableHeaders: new Set(auth.signedHeaders),
    });
    headers.authorization = signed.headers.authorization;
    delete headers['x-amz-security-token'];
  }

  async forward(req, res, body, fault) {
    const headers = { ...req.headers, host: this.target.host };
    delete headers.connection;
    delete headers.expect;
    if (this.forwardSigner)
      await this.resign(req, headers, body);
    const upstream = http.request({
      host: this.target.hostname, port: this.target.port, method: req.method, path: req.url,
      headers,
    }, (answer) => this.relay(req, res, answer, fault));
    upstream.on('error', (error) => {
      this.log(`server unreachable: ${error.message}`);
      if (!res.headersSent)
        this.sendServerError(req, res);
      else
        res.destroy();
    });
    upstream.end(body);
    this.stats.forwarded++;
  }

  relay(req, res, answer, fault) {
    if (fault === 'drop-after' || fault === '500-after') {
      // The server has applied the request; the client must not learn that it did.
      answer.resume();
      answer.on('end', () => this.answerFault(req, res, fault));
      return;
    }
    const length = Number(answer.headers['content-length'] || 0);
    res.writeHead(answer.statusCode, answer.rawHeaders);
    if (fault === 'truncate' && length > 1 && req.method !== 'HEAD') {
      this.stats.faults.truncate++;
      let sent = 0;
      const half = Math.floor(length / 2);
      answer.on('data', (chunk) => {
        if (sent >= half)
          return;
        const part = chunk.subarray(0, half - sent);
        sent += part.length;
        res.write(part);
        if (sent >= half) {
          this.log(`fault truncate after ${sent} of ${length} bytes on ${req.url}`);
          answer.destroy();
          res.socket.destroy();
        }
      });
      return;
    }
    answer.pipe(res);
  }

  // ---- control ----------------------------------------------------------------------------

  control(req, res, body) {
    let answer = null;
    if (req.method === 'GET' && req.url === CONTROL_PREFIX + 'stats') {
      answer = this.stats;
    } else if (req.method === 'POST' && req.url === CONTROL_PREFIX + 'faults') {
      const settings = JSON.parse(body.toString() || '{}');
      for (const fault of FAULTS)
        this.options.faults[fault] = Number(settings[fault] || 0);
      this.options.faultMatch = settings.match || null;
      this.options.faultAfter = Number(settings.after || 0);
      this.matched = 0;
      if (settings.seed !== undefined)
        this.random = makeRandom(Number(settings.seed));
      answer = { faults: this.options.faults, match: this.options.faultMatch };
    }
    res.writeHead(answer ? 200 : 404, { 'content-type': 'application/json' });
    res.end(JSON.stringify(answer || { error: 'unknown control request' }));
  }

  async handle(req, res, body) {
    if (req.url.startsWith(CONTROL_PREFIX))
      return this.control(req, res, body);
    this.stats.requests++;
    const problem = await this.verify(req, body);
    if (problem)
      return this.reject(req, res, ...problem);
    this.stats.verified++;
    const fault = this.pickFault(req, req.headers);
    if (fault && !['500-after', 'drop-after', 'truncate'].includes(fault))
      return this.answerFault(req, res, fault);
    await this.forward(req, res, body, fault);
  }

  listen() {
    const server = http.createServer((req, res) => {
      const chunks = [];
      req.on('data', (chunk) => chunks.push(chunk));
      req.on('end', () => {
        this.handle(req, res, Buffer.concat(chunks)).catch((error) => {
          this.log(`internal error: ${error.stack}`);
          if (!res.headersSent)
            this.sendServerError(req, res);
        });
      });
    });
    server.keepAliveTimeout = 30000;
    server.listen(this.options.listenPort, this.options.listenHost, () => {
      const { port } = server.address();
      const url = `http://${this.options.listenHost}:${port}`;
      if (this.options.portFile)
        fs.writeFileSync(this.options.portFile, `${port}\n`);
      this.log(`listening on ${url}, verifying for ${this.options.target}`);
    });
    const stop = () => {
      server.close(() => process.exit(0));
      server.closeAllConnections();
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
    return server;
  }
}

if (require.main === module) {
  try {
    new Front(parseArguments(process.argv)).listen();
  } catch (error) {
    console.error(`verify-front: ${error.message}`);
    process.exit(2);
  }
}

module.exports = { Front, parseArguments };
