#!/usr/bin/env node
// SPDX-License-Identifier: GPL-3.0-or-later
//
// The AWS SDK for JavaScript's side of bench-push: the same corrections as our push sends
// (src/core/af-push.c), on items of their own. Per item, EDITS conditional UpdateItems in
// order, each on the version the previous one returned (UPDATED_NEW), as our lanes do; LANES
// items in flight at once. No cache, no outbox: the client and the network alone.
// Prints one JSON line: {"items": edits, "seconds": S, "cpu": S, "cpu_total": S} (cpu:
// this process during the updates; cpu_total: start-up included).
//   node bench-push-sdk.js ENDPOINT TABLE SPEC.json EDITS LANES
// SPEC.json: [{"id", "field", "original", "version"}, …] (version 0: none yet).
// Credentials and region: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION.
'use strict';

const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { DynamoDBClient, UpdateItemCommand } = require(
  path.join(__dirname, '..', 'peers', 'node_modules', '@aws-sdk', 'client-dynamodb'));

const UPDATE = 'SET #a0 = list_append(if_not_exists(#a0, :empty), :a0), '
               + '#version = :next, #op = :op';
const FIRST = 'attribute_exists(#key) AND (attribute_not_exists(#version) OR #version = :version)';
const NEXT = '#version = :version';

function correction(table, item, edit, version) {
  return new UpdateItemCommand({
    TableName: table,
    Key: { document_id: { S: item.id } },
    UpdateExpression: UPDATE,
    ConditionExpression: version === 0 ? FIRST : NEXT,
    ExpressionAttributeNames: {
      '#a0': 'corrections', '#version': 'version', '#op': 'last_op_id',
      ...(version === 0 ? { '#key': 'document_id' } : {}),
    },
    ExpressionAttributeValues: {
      ':a0': { L: [{ M: {
        field: { S: item.field },
        original_value: { S: item.original },
        corrected_value: { S: `bench value ${edit}` },
        corrected_by: { S: 'bench@example.com' },
        corrected_at: { S: new Date().toISOString() },
      } }] },
      ':empty': { L: [] },
      ':version': { N: String(version) },
      ':next': { N: String(version + 1) },
      ':op': { S: crypto.randomUUID() },
    },
    ReturnValues: 'UPDATED_NEW',
    ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
  });
}

async function main() {
  const [endpoint, table, specPath, editsArg, lanesArg] = process.argv.slice(2);
  const items = JSON.parse(fs.readFileSync(specPath, 'utf8'));
  const edits = Number(editsArg);
  const lanes = Number(lanesArg);
  const client = new DynamoDBClient({ endpoint, region: process.env.AWS_REGION });
  let next = 0;
  let done = 0;

  async function lane() {
    while (next < items.length) {
      const item = items[next++];
      let version = item.version;
      for (let e = 0; e < edits; e++) {
        const answer = await client.send(correction(table, item, e, version));
        version = Number(answer.Attributes.version.N);
        done++;
      }
    }
  }

  const cpuStart = process.cpuUsage();
  const start = process.hrtime.bigint();
  await Promise.all(Array.from({ length: Math.min(lanes, items.length) }, lane));
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const cpu = process.cpuUsage(cpuStart);
  const total = process.cpuUsage();
  console.log(JSON.stringify({
    items: done, seconds, cpu: (cpu.user + cpu.system) / 1e6,
    cpu_total: (total.user + total.system) / 1e6,
  }));
}

main().catch((error) => {
  console.error(`bench-push-sdk.js: ${error.message}`);
  process.exit(1);
});
