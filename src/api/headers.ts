// Header names of the Lambda Runtime API (2018-06-01). Incoming names are matched lower-case.
export const REQUEST_ID = 'lambda-runtime-aws-request-id';
export const DEADLINE_MS = 'lambda-runtime-deadline-ms';
export const FUNCTION_ARN = 'lambda-runtime-invoked-function-arn';
export const TRACE_ID = 'lambda-runtime-trace-id';
export const CLIENT_CONTEXT = 'lambda-runtime-client-context';
export const COGNITO_IDENTITY = 'lambda-runtime-cognito-identity';
export const TENANT_ID = 'lambda-runtime-aws-tenant-id';

export const ERROR_TYPE = 'Lambda-Runtime-Function-Error-Type';
export const ERROR_BODY = 'Lambda-Runtime-Function-Error-Body';
export const XRAY_ERROR_CAUSE = 'Lambda-Runtime-Function-XRay-Error-Cause';
export const RESPONSE_MODE = 'Lambda-Runtime-Function-Response-Mode';
export const TRAILER = 'Trailer';
export const TRANSFER_ENCODING = 'Transfer-Encoding';

// Extensions API (2020-01-01).
export const EXTENSION_NAME = 'Lambda-Extension-Name';
export const EXTENSION_ID = 'Lambda-Extension-Identifier';
