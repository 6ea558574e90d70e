// Package logging bounds how verbose the operator's logs can get. client-go
// dumps whole HTTP request and response bodies at verbosity 8 and above, and
// those bodies carry Secret data (credentials, tokens, generated passwords):
// no log level may show them, so the sink never enables those levels.
package logging

import "github.com/go-logr/logr"

// MaxVerbosity is the highest logr V-level that is ever written.
const MaxVerbosity = 7

// Capped returns l with every V-level above MaxVerbosity switched off.
func Capped(l logr.Logger) logr.Logger {
	if l.GetSink() == nil {
		return l
	}
	return logr.New(capped{sink: l.GetSink()})
}

// capped wraps a sink and drops levels above MaxVerbosity.
type capped struct {
	sink logr.LogSink
}

func (c capped) Init(info logr.RuntimeInfo) {
	info.CallDepth++ // this wrapper is one more frame between caller and sink
	c.sink.Init(info)
}

func (c capped) Enabled(level int) bool {
	return level <= MaxVerbosity && c.sink.Enabled(level)
}

func (c capped) Info(level int, msg string, kv ...any) {
	if level <= MaxVerbosity {
		c.sink.Info(level, msg, kv...)
	}
}

func (c capped) Error(err error, msg string, kv ...any) { c.sink.Error(err, msg, kv...) }

func (c capped) WithValues(kv ...any) logr.LogSink { return capped{sink: c.sink.WithValues(kv...)} }

func (c capped) WithName(name string) logr.LogSink { return capped{sink: c.sink.WithName(name)} }

// WithCallDepth keeps caller annotations pointing at the real caller.
func (c capped) WithCallDepth(depth int) logr.LogSink {
	if cd, ok := c.sink.(logr.CallDepthLogSink); ok {
		return capped{sink: cd.WithCallDepth(depth)}
	}
	return c
}
