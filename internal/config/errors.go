package config

import (
	"fmt"
	"strconv"
)

// position renders "file:line" or just "file" when the line is unknown.
func position(file string, line int) string {
	if line <= 0 {
		return file
	}
	return file + ":" + strconv.Itoa(line)
}

// A SyntaxError is a configuration file that is not valid YAML, or not a
// single YAML mapping.
type SyntaxError struct {
	File string
	Line int // 0 when the parser did not report one
	Msg  string
}

func (e *SyntaxError) Error() string { return position(e.File, e.Line) + ": " + e.Msg }

// An UnknownKeyError is a key in a configuration file that the schema does
// not have. Key is the full path in the user's spelling, such as
// "consumers[1].batchsise"; Suggestion, when not empty, is the schema key
// the user probably meant.
type UnknownKeyError struct {
	File       string
	Line       int
	Key        string
	Suggestion string
}

func (e *UnknownKeyError) Error() string {
	msg := fmt.Sprintf("%s: unknown key %q", position(e.File, e.Line), e.Key)
	if e.Suggestion != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", e.Suggestion)
	}
	return msg
}

// A KeyError is a known key in a configuration file with an unusable value:
// the wrong type, or a duplicate of an earlier key.
type KeyError struct {
	File string
	Line int
	Key  string
	Msg  string
}

func (e *KeyError) Error() string { return position(e.File, e.Line) + ": " + e.Key + ": " + e.Msg }

// An EnvError is an EDAS_* environment variable with an unusable value.
type EnvError struct {
	Var string // the variable's name as set, such as EDAS_FUNCTION_MEMORYMB
	Key string // the configuration key it sets, such as function.memoryMB
	Msg string
}

func (e *EnvError) Error() string { return e.Var + ": " + e.Key + ": " + e.Msg }

// A FieldError is a configuration value that breaks a rule. Key is the full
// path of the offending setting ("function.timeoutSeconds",
// "consumers[0].batchSize"); Msg states the value and the rule.
type FieldError struct {
	Key string
	Msg string
}

func (e *FieldError) Error() string { return e.Key + ": " + e.Msg }
