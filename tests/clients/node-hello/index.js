// A small Node.js function for the AWS Lambda Runtime Interface Client: deployed as index.js,
// its handler is "index.handler".
"use strict";

exports.handler = async (event, context) => ({
	hello: "node-hello",
	node: process.version,
	requestId: context.awsRequestId,
	event,
});
