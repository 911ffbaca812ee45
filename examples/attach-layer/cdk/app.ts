// CDK app: the lambda-node layer from its zip, and a provided.al2023 function that uses it.
// Node 22.18+ runs this TypeScript directly (type stripping): see cdk.json.
import { App, Stack } from 'aws-cdk-lib';
import { Architecture, Code, Function, LayerVersion, Runtime } from 'aws-cdk-lib/aws-lambda';

const app = new App();
const stack = new Stack(app, 'HelloLambdaNode');
const architecture = app.node.tryGetContext('arch') === 'arm64' ? Architecture.ARM_64 : Architecture.X86_64;

// A .zip asset is uploaded as it is: bootstrap at its root lands at /opt/bootstrap.
const layer = new LayerVersion(stack, 'LambdaNode', {
  code: Code.fromAsset(app.node.getContext('layerZip')),
  compatibleRuntimes: [Runtime.PROVIDED_AL2023],
  compatibleArchitectures: [architecture],
  description: 'lambda-node: Node.js for provided.al2023',
});

new Function(stack, 'Hello', {
  runtime: Runtime.PROVIDED_AL2023,
  architecture,
  handler: 'index.handler',
  code: Code.fromAsset('../hello'),
  layers: [layer],
});
