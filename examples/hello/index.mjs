// The function `make example` runs: an API Gateway HTTP API (payload 2.0) event in, a JSON
// response out. An ordinary Node handler; nothing in it knows about lambda-node.
let coldStart = true;

export const handler = async (event, context) => {
  const name = event.queryStringParameters?.name ?? 'world';
  console.log(`greeting ${name} (${event.requestContext?.http?.method} ${event.rawPath})`);
  const body = {
    message: `Hello, ${name}!`,
    coldStart,
    requestId: context.awsRequestId,
    node: process.version,
  };
  coldStart = false;
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  };
};
