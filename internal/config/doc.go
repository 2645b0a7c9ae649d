// Package config is edasctl's typed configuration: the schema, its defaults,
// loading with viper and complete validation before any AWS call.
//
// # Sources and precedence
//
// Load merges, from lowest to highest precedence:
//
//  1. the defaults (Default, identical to configs/edasctl.yaml);
//  2. the YAML file given with --config, else ./edasctl.yaml when it exists;
//  3. EDAS_* environment variables;
//  4. the command-line flags --stack and --region, when set.
//
// The file is decoded strictly: an unknown key, a duplicate key or a value of
// the wrong type is an error that names the key by its full path, in the
// user's spelling, with the file and line (for example
// `edasctl.yaml:14: unknown key "consumers[1].batchsise" (did you mean "batchSize"?)`).
// List indexes in key paths count from 0. Keys match the schema
// case-insensitively; tag keys under "tags" are kept exactly as written,
// since AWS tag keys are case-sensitive. A key with a null value (`name:`)
// counts as unset.
//
// # Environment variables
//
// Every scalar setting outside consumers and tags has a variable named
// EDAS_ followed by its key path, with the parts joined by "_". Names are
// case-insensitive, and the words of a camelCase key may also be separated by
// "_" (EDAS_BUCKET_INPUT_PREFIX is EDAS_BUCKET_INPUTPREFIX):
//
//	EDAS_STACK                     stack
//	EDAS_REGION                    region
//	EDAS_BUCKET_NAME               bucket.name
//	EDAS_BUCKET_INPUTPREFIX        bucket.inputPrefix
//	EDAS_BUCKET_VERSIONING         bucket.versioning            (true/false/1/0)
//	EDAS_TOPIC_RAWMESSAGEDELIVERY  topic.rawMessageDelivery     (true/false/1/0)
//	EDAS_FUNCTION_ARCHITECTURE     function.architecture
//	EDAS_FUNCTION_MEMORYMB         function.memoryMB            (integer)
//	EDAS_FUNCTION_TIMEOUTSECONDS   function.timeoutSeconds      (integer)
//	EDAS_LOGS_RETENTIONDAYS        logs.retentionDays           (integer)
//
// An empty variable counts as unset. Other EDAS_* variables (EDAS_ACTION,
// for instance, which the handler reads) are ignored. A value that does not
// parse is an error naming the variable.
//
// # Validation
//
// Validate checks every rule that AWS would otherwise reject later (name
// lengths and characters, Lambda, SQS, event source mapping and CloudWatch
// Logs ranges, tag limits), plus the pipeline's own rules (the input prefix
// must not overlap the outputs). It reports every problem, one line each, as
// "<key>: <problem>", in a stable order. The limits and their sources are in
// limits.go.
package config
