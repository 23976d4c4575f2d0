package gorilla

import (
	"bytes"
	"encoding/gob"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/cookiecodec/cookiecodec"
)

// registerGobTypes registers with encoding/gob the types beyond gob's basic
// ones that gorilla/sessions applications commonly register to store in a
// session, under the names gob.Register gives them, so that a cookie
// holding them decodes. A type the program registered under another name
// keeps that name: gob.Register panics then, and the panic is dropped.
var registerGobTypes = sync.OnceFunc(func() {
	for _, v := range []any{
		map[string]any{},
		map[any]any{},
		[]any{},
		[]map[string]any{},
		time.Time{},
	} {
		func() {
			defer func() { _ = recover() }()
			gob.Register(v)
		}()
	}
})

// decodeGob deserializes a gob body as securecookie.GobEncoder wrote it:
// the map[interface{}]interface{} of gorilla/sessions, or a map with
// string keys given to securecookie directly.
func decodeGob(body []byte) (cookiecodec.Session, error) {
	var m map[any]any
	err := gobDecode(body, &m)
	if err == nil {
		return sessionFromMap(reflect.ValueOf(m))
	}
	// A body whose top level is another map type fails above on the type
	// mismatch; gob says nothing finer, so decode again as that type.
	var sm map[string]any
	if err2 := gobDecode(body, &sm); err2 == nil {
		return sessionFromMap(reflect.ValueOf(sm))
	}
	return nil, err
}

// gobDecode decodes body into dst. encoding/gob turns its own failures
// into errors but passes on runtime panics, such as the one that an
// unhashable key of a map[interface{}]interface{} causes; gobDecode turns
// those into errors too.
func gobDecode(body []byte, dst any) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("gob: %v", r)
		}
	}()
	return gob.NewDecoder(bytes.NewReader(body)).Decode(dst)
}

// decodeJSON deserializes a JSON body as securecookie.JSONEncoder wrote it:
// one object, followed by nothing but white space.
func decodeJSON(body []byte) (cookiecodec.Session, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		// encoding/json quotes the offending character, which may be a
		// byte of an encrypted body: say only where it is.
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return nil, fmt.Errorf("malformed JSON at byte %d", se.Offset)
		}
		return nil, errors.New("malformed JSON")
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("data after the top-level value")
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("top level is %s, not an object", jsonKind(v))
	}
	return sessionFromMap(reflect.ValueOf(m))
}

// jsonKind names the JSON type of a value decoded with UseNumber.
func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case json.Number:
		return "a number"
	case string:
		return "a string"
	case []any:
		return "an array"
	}
	return fmt.Sprintf("%T", v)
}

// sessionFromMap converts the top-level map of a body to a session.
func sessionFromMap(m reflect.Value) (cookiecodec.Session, error) {
	s, err := convertMap(m, "", 1)
	if err != nil {
		return nil, err
	}
	return cookiecodec.Session(s), nil
}

var (
	typeBytes = reflect.TypeFor[[]byte]()
	typeTime  = reflect.TypeFor[time.Time]()
)

// convertMap converts a map with string keys, of any element type, whose
// path is path, at nesting depth depth (1 for the session itself).
func convertMap(m reflect.Value, path string, depth int) (map[string]any, error) {
	out := make(map[string]any, m.Len())
	iter := m.MapRange()
	for iter.Next() {
		k := iter.Key()
		if k.Kind() == reflect.Interface {
			if k.IsNil() {
				return nil, fmt.Errorf("%s has a nil key", where(path))
			}
			k = k.Elem()
		}
		if k.Kind() != reflect.String {
			return nil, fmt.Errorf("%s has a key of type %s; a session's keys are strings", where(path), k.Type())
		}
		key := k.String()
		sub := path + "." + strconv.Quote(key)
		if !utf8.ValidString(key) {
			return nil, fmt.Errorf("%s has a key that is not valid UTF-8", where(path))
		}
		v, err := convert(iter.Value(), sub, depth)
		if err != nil {
			return nil, err
		}
		out[key] = v
	}
	return out, nil
}

// where names a path for an error: the session itself, or a value in it.
func where(path string) string {
	if path == "" {
		return "the session"
	}
	return "the value at " + path[1:]
}

// convert turns a deserialized value into the form
// [cookiecodec.Codec.Decode] returns for it, or fails naming its type. v
// is the value of a map or slice element at depth depth.
func convert(v reflect.Value, path string, depth int) (any, error) {
	if v.Kind() == reflect.Interface {
		if v.IsNil() {
			return nil, nil
		}
		v = v.Elem()
	}
	switch v.Kind() {
	case reflect.String:
		if n, ok := v.Interface().(json.Number); ok {
			return convertNumber(n, path)
		}
		s := v.String()
		if !utf8.ValidString(s) {
			return nil, fmt.Errorf("%s is a string that is not valid UTF-8", where(path))
		}
		return s, nil
	case reflect.Bool:
		return v.Bool(), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int(), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		if u := v.Uint(); u > math.MaxInt64 {
			return u, nil
		} else {
			return int64(u), nil
		}
	case reflect.Float32, reflect.Float64:
		return v.Float(), nil
	case reflect.Map:
		if depth+1 > cookiecodec.MaxSessionDepth {
			return nil, fmt.Errorf("%s is nested deeper than %d", where(path), cookiecodec.MaxSessionDepth)
		}
		if v.IsNil() {
			return map[string]any{}, nil
		}
		return convertMap(v, path, depth+1)
	case reflect.Slice, reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 && v.Kind() == reflect.Slice {
			return bytes.Clone(v.Convert(typeBytes).Interface().([]byte)), nil
		}
		if depth+1 > cookiecodec.MaxSessionDepth {
			return nil, fmt.Errorf("%s is nested deeper than %d", where(path), cookiecodec.MaxSessionDepth)
		}
		out := make([]any, v.Len())
		for i := range out {
			x, err := convert(v.Index(i), path+"["+strconv.Itoa(i)+"]", depth+1)
			if err != nil {
				return nil, err
			}
			out[i] = x
		}
		return out, nil
	case reflect.Struct:
		if v.Type() == typeTime {
			t := v.Interface().(time.Time).UTC()
			// The native format writes a fraction of a second as RFC
			// 3339 text, which has four-digit years.
			if y := t.Year(); t.Nanosecond() != 0 && (y < 0 || y > 9999) {
				return nil, fmt.Errorf("%s is a time with a fraction of a second outside years 0 to 9999, which a session cannot hold", where(path))
			}
			return t, nil
		}
	}
	return nil, fmt.Errorf("%s has type %s, which a session cannot hold", where(path), v.Type())
}

// convertNumber converts a JSON number: an integer literal to int64, or
// uint64 above math.MaxInt64, and any other to float64.
func convertNumber(n json.Number, path string) (any, error) {
	s := string(n)
	if i, err := strconv.ParseInt(s, 10, 64); err == nil {
		return i, nil
	}
	if u, err := strconv.ParseUint(s, 10, 64); err == nil {
		return u, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		// encoding/json has checked the syntax, so the number is out of
		// range, as gorilla's decoder would also find.
		return nil, fmt.Errorf("%s is a number out of the range of float64", where(path))
	}
	return f, nil
}
