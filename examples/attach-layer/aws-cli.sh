#!/bin/sh
# Publish the lambda-node layer and attach it to a provided.al2023 function with the AWS CLI (v1 or v2).
# Usage: LAYER_ZIP=lambda-node-node24-x86_64.zip ./aws-cli.sh   (writes function.zip and response.json here)
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
LAYER_ZIP=${LAYER_ZIP:-$HERE/../../build/layer/lambda-node-node24-x86_64.zip}
ARCH=${ARCH:-x86_64}

# 1. The layer: bootstrap at the zip root lands at /opt/bootstrap.
LAYER_ARN=$(aws lambda publish-layer-version \
  --layer-name lambda-node-node24 \
  --zip-file "fileb://$LAYER_ZIP" \
  --compatible-runtimes provided.al2023 \
  --compatible-architectures "$ARCH" \
  --query LayerVersionArn --output text)
echo "layer: $LAYER_ARN"

# 2. An execution role.
ROLE_ARN=$(aws iam create-role \
  --role-name hello-lambda-node \
  --assume-role-policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}' \
  --query Role.Arn --output text)
aws iam attach-role-policy \
  --role-name hello-lambda-node \
  --policy-arn arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole

# 3. The function: only the handler file; the layer brings Node and the runtime.
rm -f function.zip
zip -q -j -X function.zip "$HERE/hello/index.mjs"
# A new role takes a few seconds before Lambda may assume it: try again until it can.
for try in 1 2 3 4 5 6; do
  aws lambda create-function \
    --function-name hello-lambda-node \
    --runtime provided.al2023 \
    --architectures "$ARCH" \
    --handler index.handler \
    --role "$ROLE_ARN" \
    --layers "$LAYER_ARN" \
    --zip-file fileb://function.zip && break
  [ "$try" -lt 6 ] || exit 1
  sleep 5
done
aws lambda wait function-active-v2 --function-name hello-lambda-node

# 4. Invoke it. fileb:// sends the JSON as is with both CLI v1 and v2.
aws lambda invoke \
  --function-name hello-lambda-node \
  --payload "fileb://$HERE/event.json" \
  response.json
cat response.json
