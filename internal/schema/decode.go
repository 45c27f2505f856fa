package schema

import (
	"fmt"
	"reflect"
	"strings"
	"time"
)

// optional is a field of an update that may be absent (keyward.Opt):
// decoding a present value marks it set.
type optional interface{ MarkSet() any }

var timeType = reflect.TypeFor[time.Time]()

// Decode copies a validated plain value into dst, a pointer to a struct
// (fields matched by their json tag), slice, map, pointer or scalar.
// Decode trusts that v passed the schema; a type mismatch is a programming
// error and is reported as such.
func Decode(v any, dst any) error {
	rv := reflect.ValueOf(dst)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return fmt.Errorf("schema: decode into non-pointer %T", dst)
	}
	return assign(rv.Elem(), v, "")
}

func assign(dst reflect.Value, v any, path string) error {
	if o, ok := dst.Addr().Interface().(optional); ok {
		return assign(reflect.ValueOf(o.MarkSet()).Elem(), v, path)
	}
	if v == nil {
		dst.SetZero()
		return nil
	}
	if dst.Type() == timeType || dst.Kind() == reflect.Interface {
		return setDirect(dst, v, path)
	}
	switch dst.Kind() {
	case reflect.Pointer:
		p := reflect.New(dst.Type().Elem())
		if err := assign(p.Elem(), v, path); err != nil {
			return err
		}
		dst.Set(p)
		return nil
	case reflect.Struct:
		return assignStruct(dst, v, path)
	case reflect.Slice:
		return assignSlice(dst, v, path)
	case reflect.Int, reflect.Int64, reflect.Int32:
		n, ok := v.(int64)
		if !ok {
			return mismatch(dst, v, path)
		}
		dst.SetInt(n)
		return nil
	}
	return setDirect(dst, v, path)
}

func setDirect(dst reflect.Value, v any, path string) error {
	rv := reflect.ValueOf(v)
	if !rv.Type().AssignableTo(dst.Type()) {
		if rv.Type().ConvertibleTo(dst.Type()) && rv.Kind() == dst.Kind() {
			dst.Set(rv.Convert(dst.Type()))
			return nil
		}
		return mismatch(dst, v, path)
	}
	dst.Set(rv)
	return nil
}

func assignStruct(dst reflect.Value, v any, path string) error {
	m, ok := v.(map[string]any)
	if !ok {
		return mismatch(dst, v, path)
	}
	t := dst.Type()
	for i := range t.NumField() {
		name := fieldName(t.Field(i))
		if name == "" {
			continue
		}
		fv, present := m[name]
		if !present {
			continue
		}
		if err := assign(dst.Field(i), fv, Join(path, name)); err != nil {
			return err
		}
	}
	return nil
}

func fieldName(f reflect.StructField) string {
	if !f.IsExported() {
		return ""
	}
	tag := f.Tag.Get("json")
	if tag == "-" {
		return ""
	}
	if name, _, _ := strings.Cut(tag, ","); name != "" {
		return name
	}
	return f.Name
}

func assignSlice(dst reflect.Value, v any, path string) error {
	list, ok := v.([]any)
	if !ok {
		return mismatch(dst, v, path)
	}
	out := reflect.MakeSlice(dst.Type(), len(list), len(list))
	for i, e := range list {
		if err := assign(out.Index(i), e, Join(path, fmt.Sprint(i))); err != nil {
			return err
		}
	}
	dst.Set(out)
	return nil
}

func mismatch(dst reflect.Value, v any, path string) error {
	return fmt.Errorf("schema: cannot decode %T into %s at %q", v, dst.Type(), path)
}
