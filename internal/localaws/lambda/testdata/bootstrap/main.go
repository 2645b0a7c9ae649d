// Command bootstrap is a test runtime for the local AWS's Lambda: it speaks
// the Runtime API with the standard library only, and each event's "op"
// chooses what it does, so that tests can exercise responses, errors,
// crashes, timeouts and logs. TEST_INIT makes the init phase fail.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"
)

type event struct {
	Op    string   `json:"op"`
	Lines []string `json:"lines"`
	Code  int      `json:"code"`
	MS    int      `json:"ms"`
	URL   string   `json:"url"`
	Msg   string   `json:"msg"`
}

func main() {
	api := "http://" + os.Getenv("AWS_LAMBDA_RUNTIME_API") + "/2018-06-01/runtime"
	fmt.Printf("init pid=%d\n", os.Getpid())
	switch os.Getenv("TEST_INIT") {
	case "exit3":
		fmt.Println("init is failing")
		os.Exit(3)
	case "initerror":
		post(api+"/init/error", `{"errorMessage":"cannot start","errorType":"Runtime.InitFailure"}`)
		os.Exit(1)
	}
	for {
		resp, err := http.Get(api + "/invocation/next")
		if err != nil {
			fmt.Fprintln(os.Stderr, "next:", err)
			os.Exit(1)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		id := resp.Header.Get("Lambda-Runtime-Aws-Request-Id")
		var ev event
		json.Unmarshal(body, &ev)
		out, fail := handle(ev, body, resp.Header)
		if fail != "" {
			post(api+"/invocation/"+id+"/error", fail)
			continue
		}
		post(api+"/invocation/"+id+"/response", out)
	}
}

func handle(ev event, raw []byte, h http.Header) (out, fail string) {
	switch ev.Op {
	case "echo":
		return string(raw), ""
	case "pid":
		return fmt.Sprintf(`{"pid":%d}`, os.Getpid()), ""
	case "env":
		env := map[string]string{}
		for _, kv := range os.Environ() {
			k, v, _ := strings.Cut(kv, "=")
			env[k] = v
		}
		env["header:deadline"] = h.Get("Lambda-Runtime-Deadline-Ms")
		env["header:arn"] = h.Get("Lambda-Runtime-Invoked-Function-Arn")
		env["header:trace"] = h.Get("Lambda-Runtime-Trace-Id")
		b, _ := json.Marshal(env)
		return string(b), ""
	case "print":
		for _, l := range ev.Lines {
			fmt.Println(l)
		}
		return `"printed"`, ""
	case "version":
		b, err := os.ReadFile("version.txt")
		if err != nil {
			return `"none"`, ""
		}
		v, _ := json.Marshal(strings.TrimSpace(string(b)))
		return string(v), ""
	case "fail":
		b, _ := json.Marshal(map[string]string{"errorMessage": ev.Msg, "errorType": "TestError"})
		return "", string(b)
	case "exit":
		fmt.Println("exiting with", ev.Code)
		os.Exit(ev.Code)
	case "sleep":
		fmt.Println("sleeping")
		time.Sleep(time.Duration(ev.MS) * time.Millisecond)
		return `"slept"`, ""
	case "block":
		resp, err := http.Get(ev.URL)
		if err == nil {
			resp.Body.Close()
		}
		return fmt.Sprintf(`{"pid":%d}`, os.Getpid()), ""
	}
	// Any other event (an S3 notification, say) is printed as it came.
	fmt.Printf("event %s\n", raw)
	return `"unknown op"`, ""
}

func post(url, body string) {
	resp, err := http.Post(url, "application/json", bytes.NewBufferString(body))
	if err != nil {
		fmt.Fprintln(os.Stderr, "post:", err)
		os.Exit(1)
	}
	// Read the answer to its end, as the AWS runtimes do, so that the
	// connection is reused.
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
}
