// lambda-node/testkit: run a function under the real Lambda Runtime Interface Emulator in a
// container, from a test. Built on testcontainers (the container engine it finds) and undici.
export { LambdaContainer, startFunction, type LambdaContainerOptions } from './lambda-container.ts';
export {
  StartedLambdaContainer,
  type FunctionErrorPayload,
  type InvokeOptions,
  type InvokeResult,
} from './started-lambda-container.ts';
export { isDockerAvailable } from './docker.ts';
export type { Arch } from './image.ts';
