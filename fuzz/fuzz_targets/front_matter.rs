#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| okr_fuzz::front_matter(data));
