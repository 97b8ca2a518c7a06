#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The independent client of the push tests: boto3 (botocore's own signer and JSON
# protocol), through the same verifying fronts as the app, with the peers' test keys.
#
#   push-check.py setup SUFFIX                  create the four tables (+SUFFIX), load the fixtures
#   push-check.py get TABLE KEY_JSON            the item as plain JSON (numbers as strings), or null
#   push-check.py update TABLE KEY_JSON NAME VALUE   another writer SETs one S attribute
#   push-check.py query-user TABLE USER_ID      the analyses of a user (user-index), as a JSON list
#   push-check.py keys BUCKET PREFIX            the object keys under PREFIX, as a JSON list
#   push-check.py head BUCKET KEY               {"size": N} or null
#   push-check.py upload-fixtures               every object of the manifest (no ".." keys)
import json
import os
import sys
import time

import boto3
from boto3.dynamodb.types import TypeDeserializer

FIXTURES = os.environ.get('AF_FIXTURES_DIR', os.path.join(os.path.dirname(__file__), '..', '..',
                                                          'data', 'demo'))
TABLES = ['AuditFlow-Documents', 'AuditFlow-AuditRecords', 'artguard-image-analysis-dev',
          'artguard-users-dev']


def client(service):
    url = os.environ['AF_PEER_S3_URL' if service == 's3' else 'AF_PEER_DYNAMODB_LOCAL_URL']
    return boto3.client(service, endpoint_url=url, region_name=os.environ['AF_PEER_REGION'],
                        aws_access_key_id=os.environ['AF_PEER_ACCESS_KEY_ID'],
                        aws_secret_access_key=os.environ['AF_PEER_SECRET_ACCESS_KEY'],
                        config=boto3.session.Config(s3={'addressing_style': 'path'}))


def plain(item):
    # Numbers as their exact text: a double would hide a rounding.
    def convert(value):
        kind, inner = next(iter(value.items()))
        if kind == 'M':
            return {k: convert(v) for k, v in inner.items()}
        if kind == 'L':
            return [convert(v) for v in inner]
        if kind == 'NULL':
            return None
        return inner
    return None if item is None else {k: convert(v) for k, v in item.items()}


def wait_active(ddb, name):
    for _ in range(600):
        if ddb.describe_table(TableName=name)['Table']['TableStatus'] == 'ACTIVE':
            return
        time.sleep(0.05)
    raise RuntimeError(f'{name} did not become ACTIVE')


def setup(suffix):
    ddb = client('dynamodb')
    for table in TABLES:
        with open(os.path.join(FIXTURES, 'tables', table + '.json')) as f:
            definition = json.load(f)
        definition['TableName'] = f'{table}-{suffix}'
        ddb.create_table(**definition)
        # dynalite answers ResourceNotFound until its CREATING table turns ACTIVE (a timer
        # that a loaded machine may run after our first PutItem).
        wait_active(ddb, definition['TableName'])
        with open(os.path.join(FIXTURES, 'dynamodb', table + '.json')) as f:
            items = json.load(f)['Items']
        for item in items:
            ddb.put_item(TableName=f'{table}-{suffix}', Item=item)


def main(argv):
    command = argv[1]
    if command == 'setup':
        setup(argv[2])
        result = True
    elif command == 'get':
        answer = client('dynamodb').get_item(TableName=argv[2], Key=json.loads(argv[3]),
                                             ConsistentRead=True)
        result = plain(answer.get('Item'))
    elif command == 'update':
        client('dynamodb').update_item(
            TableName=argv[2], Key=json.loads(argv[3]),
            UpdateExpression='SET #n = :v, #ver = if_not_exists(#ver, :zero) + :one',
            ExpressionAttributeNames={'#n': argv[4], '#ver': 'version'},
            ExpressionAttributeValues={':v': {'S': argv[5]}, ':zero': {'N': '0'},
                                       ':one': {'N': '1'}})
        result = True
    elif command == 'query-user':
        pages = client('dynamodb').get_paginator('query').paginate(
            TableName=argv[2], IndexName='user-index', KeyConditionExpression='user_id = :u',
            ExpressionAttributeValues={':u': {'S': argv[3]}})
        result = [plain(item) for page in pages for item in page['Items']]
    elif command == 'keys':
        pages = client('s3').get_paginator('list_objects_v2').paginate(Bucket=argv[2],
                                                                      Prefix=argv[3])
        result = [obj['Key'] for page in pages for obj in page.get('Contents', [])]
    elif command == 'head':
        try:
            answer = client('s3').head_object(Bucket=argv[2], Key=argv[3])
            result = {'size': answer['ContentLength']}
        except client('s3').exceptions.ClientError:
            result = None
    elif command == 'upload-fixtures':
        with open(os.path.join(FIXTURES, 's3-manifest.json')) as f:
            objects = json.load(f)['objects']
        s3 = client('s3')
        for obj in objects:
            if '..' in obj['key'].split('/') or '.' in obj['key'].split('/'):
                continue
            with open(os.path.join(FIXTURES, obj['file']), 'rb') as f:
                s3.put_object(Bucket=obj['bucket'], Key=obj['key'], Body=f.read())
        result = True
    else:
        raise SystemExit(f'unknown command {command}')
    json.dump(result, sys.stdout)
    sys.stdout.write('\n')


if __name__ == '__main__':
    main(sys.argv)
