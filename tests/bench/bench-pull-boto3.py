#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# boto3's side of bench-pull: one paginated Query of an index partition, items kept in
# memory as boto3 returns them (no cache). Prints one JSON line:
# {"items": N, "seconds": S, "cpu": S} (CPU of this process, start-up included).
#   /usr/bin/python3 bench-pull-boto3.py ENDPOINT TABLE INDEX HASH_NAME HASH_VALUE
# Credentials and region: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION.
import json
import os
import sys
import time

import boto3


def main():
    endpoint, table, index, hash_name, hash_value = sys.argv[1:6]
    client = boto3.client('dynamodb', endpoint_url=endpoint,
                          region_name=os.environ.get('AWS_REGION', 'us-east-1'))
    start = time.monotonic()
    items = 0
    arguments = dict(TableName=table, IndexName=index, KeyConditionExpression='#p = :p',
                     ExpressionAttributeNames={'#p': hash_name},
                     ExpressionAttributeValues={':p': {'S': hash_value}})
    while True:
        page = client.query(**arguments)
        items += len(page['Items'])
        if 'LastEvaluatedKey' not in page:
            break
        arguments['ExclusiveStartKey'] = page['LastEvaluatedKey']
    seconds = time.monotonic() - start
    usage = os.times()
    print(json.dumps({'items': items, 'seconds': seconds, 'cpu': usage.user + usage.system}))


if __name__ == '__main__':
    main()
