// An AWS SDK v3 client made at init and never called: the import graph and construction are the
// cold-start cost most real functions pay.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

const client = new DynamoDBClient({ region: process.env.AWS_REGION ?? 'us-east-1' });

export const handler = async () => ({ statusCode: 200, body: client.config.apiVersion ?? 'ok' });
