package paginate

import (
	"hash/maphash"
	"math"
	"math/bits"
	"reflect"
	"time"
)

// hasher hashes an item by its content, whatever its type: two items
// decoded from the same JSON hash the same, although their pointers and
// maps are distinct. Map entries are combined in no order, as Go iterates
// maps in none.
type hasher struct {
	seed   maphash.Seed
	budget int // values left to visit for the current item
}

// Bounds of one item's hash, for values with pointer cycles (impossible
// in decoded JSON, possible in a hand-written item type): past them the
// rest of the item is not hashed.
const (
	maxDepth  = 64
	maxValues = 1 << 20
)

var locationType = reflect.TypeFor[time.Location]()

// item returns the hash of one item.
func (h *hasher) item(v reflect.Value) uint64 {
	h.budget = maxValues
	return h.value(v, 0)
}

func (h *hasher) value(v reflect.Value, depth int) uint64 {
	h.budget--
	if h.budget < 0 || depth > maxDepth {
		return 0
	}
	switch k := v.Kind(); k {
	case reflect.Invalid:
		return 1
	case reflect.Bool:
		if v.Bool() {
			return mix(2, 1)
		}
		return mix(2, 0)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return mix(3, uint64(v.Int()))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return mix(4, v.Uint())
	case reflect.Float32, reflect.Float64:
		return mix(5, math.Float64bits(v.Float()))
	case reflect.Complex64, reflect.Complex128:
		c := v.Complex()
		return mix(mix(6, math.Float64bits(real(c))), math.Float64bits(imag(c)))
	case reflect.String:
		return mix(7, maphash.String(h.seed, v.String()))
	case reflect.Slice, reflect.Array:
		if k == reflect.Slice {
			if v.IsNil() {
				return 8
			}
			if v.Type().Elem().Kind() == reflect.Uint8 {
				return mix(9, maphash.Bytes(h.seed, v.Bytes()))
			}
		}
		acc := mix(10, uint64(v.Len()))
		for i := range v.Len() {
			acc = mix(acc, h.value(v.Index(i), depth+1))
		}
		return acc
	case reflect.Struct:
		if v.Type() == locationType { // a time zone: its name says it
			return mix(11, maphash.String(h.seed, v.FieldByName("name").String()))
		}
		acc := uint64(12)
		for i := range v.NumField() {
			acc = mix(acc, h.value(v.Field(i), depth+1))
		}
		return acc
	case reflect.Pointer:
		if v.IsNil() {
			return 13
		}
		return mix(14, h.value(v.Elem(), depth+1))
	case reflect.Interface:
		if v.IsNil() {
			return 15
		}
		e := v.Elem()
		return mix(mix(16, uint64(e.Kind())), h.value(e, depth+1))
	case reflect.Map:
		if v.IsNil() {
			return 17
		}
		var sum uint64
		var it reflect.MapIter
		for it.Reset(v); it.Next(); {
			sum += mix(h.value(it.Key(), depth+1), h.value(it.Value(), depth+1))
		}
		return mix(mix(18, uint64(v.Len())), sum)
	default: // func, chan, unsafe pointer: their kind only
		return mix(19, uint64(k))
	}
}

// mix combines a hash with a value (order matters), spreading every input
// bit over the result.
func mix(h, x uint64) uint64 {
	h = bits.RotateLeft64(h*0x9e3779b97f4a7c15, 31) ^ x
	h *= 0xd6e8feb86659fd93
	h ^= h >> 32
	h *= 0xd6e8feb86659fd93
	h ^= h >> 29
	return h
}
