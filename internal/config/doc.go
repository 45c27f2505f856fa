// Package config holds Keyward's settings: defaults, parsing from flags and
// KEYWARD_* environment variables (flag > environment > default), and
// validation whose errors name the option.
package config
