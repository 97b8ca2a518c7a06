#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The other writer of the stream tests: boto3 (botocore's own signer and JSON protocol),
# through the same verifying front as the app, with the peers' test keys.
#
#   stream-remote.py update TABLE KEY_JSON NAME VALUE_JSON   SET one attribute (typed value)
#   stream-remote.py put TABLE ITEM_JSON                     a new item (DynamoDB JSON)
#   stream-remote.py delete TABLE KEY_JSON
#   stream-remote.py count TABLE N KEY_JSON NAME            N UpdateItems: NAME = 1 .. N
#   stream-remote.py replace-stream TABLE VIEW_TYPE          disable the stream, enable a new one
#   stream-remote.py records TABLE                          how many records the stream holds
import json
import os
import sys

import boto3


def client(service):
    return boto3.client(service, endpoint_url=os.environ['AF_PEER_DYNAMODB_LOCAL_URL'],
                        region_name=os.environ['AF_PEER_REGION'],
                        aws_access_key_id=os.environ['AF_PEER_ACCESS_KEY_ID'],
                        aws_secret_access_key=os.environ['AF_PEER_SECRET_ACCESS_KEY'])


def update(table, key, name, value):
    client('dynamodb').update_item(TableName=table, Key=json.loads(key),
                                   UpdateExpression='SET #n = :v',
                                   ExpressionAttributeNames={'#n': name},
                                   ExpressionAttributeValues={':v': json.loads(value)})


def count(table, n, key, name):
    ddb = client('dynamodb')
    for i in range(1, int(n) + 1):
        ddb.update_item(TableName=table, Key=json.loads(key), UpdateExpression='SET #n = :v',
                        ExpressionAttributeNames={'#n': name},
                        ExpressionAttributeValues={':v': {'N': str(i)}})


def replace_stream(table, view_type):
    ddb = client('dynamodb')
    ddb.update_table(TableName=table, StreamSpecification={'StreamEnabled': False})
    ddb.update_table(TableName=table, StreamSpecification={'StreamEnabled': True,
                                                           'StreamViewType': view_type})


def records(table):
    arn = client('dynamodb').describe_table(TableName=table)['Table']['LatestStreamArn']
    streams = client('dynamodbstreams')
    total = 0
    for shard in streams.describe_stream(StreamArn=arn)['StreamDescription']['Shards']:
        iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard['ShardId'],
                                              ShardIteratorType='TRIM_HORIZON')['ShardIterator']
        while iterator:
            page = streams.get_records(ShardIterator=iterator)
            total += len(page['Records'])
            iterator = page.get('NextShardIterator') if page['Records'] else None
    print(total)


def main(args):
    ddb = client('dynamodb')
    if args[0] == 'update':
        update(*args[1:5])
    elif args[0] == 'put':
        ddb.put_item(TableName=args[1], Item=json.loads(args[2]))
    elif args[0] == 'delete':
        ddb.delete_item(TableName=args[1], Key=json.loads(args[2]))
    elif args[0] == 'count':
        count(*args[1:5])
    elif args[0] == 'replace-stream':
        replace_stream(args[1], args[2])
    elif args[0] == 'records':
        records(args[1])
    else:
        sys.exit('stream-remote.py: unknown command ' + args[0])


if __name__ == '__main__':
    main(sys.argv[1:])
