/**
 * Imported first by scripts that run the stack's handlers in their own process (`npm run demo`):
 * the handlers' logger and metrics read these variables when their modules load, which happens
 * before the local stack would set them, and their info lines would drown the story.
 */
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
