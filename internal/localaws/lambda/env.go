package lambda

import (
	"sort"
	"strconv"
)

// passedThrough are the host's variables a function inherits: the search
// path, the temporary directory, and the CA settings company machines rely
// on (AWS_CA_BUNDLE is honoured by the SDKs, the SSL_CERT_* by Go's TLS).
// Nothing else of the host leaks in, in particular no credentials, profile
// or proxy settings.
var passedThrough = []string{"PATH", "TMPDIR", "AWS_CA_BUNDLE", "SSL_CERT_FILE", "SSL_CERT_DIR"}

// Credentials given to functions: well-formed and worthless, since the
// local AWS accepts any.
const (
	localAccessKey    = "ASIAEDASLOCAL0000000"
	localSecretKey    = "edas-local-secret-access-key-0000000000"
	localSessionToken = "edas-local-session-token"
)

// endpoint is the local AWS's URL that instances get as AWS_ENDPOINT_URL,
// or "" while it is unknown (see Options.Endpoint).
func (s *Service) endpoint() string {
	if s.opts.Endpoint == nil {
		return ""
	}
	return s.opts.Endpoint()
}

// processEnv builds the environment of an instance of fn: Lambda's defined
// runtime variables
// (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime),
// the function's variables, which win over everything but the reserved
// ones (which CreateFunction refuses anyway), and endpoint as
// AWS_ENDPOINT_URL unless it is "".
func (s *Service) processEnv(fn *function, taskDir, stream, endpoint string) []string {
	vars := map[string]string{"LANG": "en_US.UTF-8", "TZ": ":UTC"}
	for _, k := range passedThrough {
		if v, ok := s.opts.LookupEnv(k); ok {
			vars[k] = v
		}
	}
	if endpoint != "" {
		vars["AWS_ENDPOINT_URL"] = endpoint
	}
	for k, v := range fn.Env {
		vars[k] = v
	}
	reserved := map[string]string{
		"_HANDLER":                        fn.Handler,
		"AWS_REGION":                      fn.Region,
		"AWS_DEFAULT_REGION":              fn.Region,
		"AWS_LAMBDA_FUNCTION_NAME":        fn.Name,
		"AWS_LAMBDA_FUNCTION_VERSION":     versionLatest,
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": strconv.Itoa(int(fn.MemorySize)),
		"AWS_LAMBDA_LOG_GROUP_NAME":       fn.logGroup(),
		"AWS_LAMBDA_LOG_STREAM_NAME":      stream,
		"AWS_LAMBDA_INITIALIZATION_TYPE":  "on-demand",
		"AWS_ACCESS_KEY_ID":               localAccessKey,
		"AWS_SECRET_ACCESS_KEY":           localSecretKey,
		"AWS_SESSION_TOKEN":               localSessionToken,
		"LAMBDA_TASK_ROOT":                taskDir,
		"LAMBDA_RUNTIME_DIR":              taskDir,
	}
	for k, v := range reserved {
		vars[k] = v
	}
	env := make([]string, 0, len(vars))
	for k, v := range vars {
		env = append(env, k+"="+v)
	}
	sort.Strings(env)
	return env
}
