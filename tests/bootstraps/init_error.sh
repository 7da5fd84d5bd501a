#!/bin/sh
# Cannot initialise: reports an init error, then exits.
curl -sS -o /dev/null -X POST -H 'Lambda-Runtime-Function-Error-Type: Runtime.ConfigError' \
	-d '{"errorMessage":"missing configuration","errorType":"ConfigError"}' \
	"http://$AWS_LAMBDA_RUNTIME_API/2018-06-01/runtime/init/error"
exit 1
