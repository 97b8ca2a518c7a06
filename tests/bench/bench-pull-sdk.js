#!/usr/bin/env node
// SPDX-License-Identifier: GPL-3.0-or-later
//
// The AWS SDK for JavaScript's side of bench-pull: one paginated Query of an index
// partition, items kept in memory as the SDK returns them (no cache). Prints one JSON
// line: {"items": N, "seconds": S, "cpu": S} (CPU of this process, start-up included).
//   node bench-pull-sdk.js ENDPOINT TABLE INDEX HASH_NAME HASH_VALUE
// Credentials and region: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION.
'use strict';

const path = require('node:path');
const { DynamoDBClient, QueryCommand } = require(
  path.join(__dirname, '..', 'peers', 'node_modules', '@aws-sdk', 'client-dynamodb'));

async function main() {
  const [endpoint, table, index, hashName, hashValue] = process.argv.slice(2);
  const client = new DynamoDBClient({ endpoint, region: process.env.AWS_REGION });
  const start = process.hrtime.bigint();
  let items = 0;
  let startKey;
  do {
    const page = await client.send(new QueryCommand({
      TableName: table, IndexName: index, KeyConditionExpression: '#p = :p',
      ExpressionAttributeNames: { '#p': hashName },
      ExpressionAttributeValues: { ':p': { S: hashValue } },
      ExclusiveStartKey: startKey,
    }));
    items += page.Items.length;
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const cpu = process.cpuUsage();
  console.log(JSON.stringify({ items, seconds, cpu: (cpu.user + cpu.system) / 1e6 }));
}

main().catch((error) => {
  console.error(`bench-pull-sdk.js: ${error.message}`);
  process.exit(1);
});
