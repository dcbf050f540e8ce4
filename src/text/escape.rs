//! Text escaped for HTML, and for the SVG charts written inside it.
//!
//! One escape serves text nodes and attribute values (quoted with `"` or
//! `'`): `&`, `<`, `>`, `"` and `'` become references, everything else is
//! left as written. It is the escape Tera applies to what a template prints,
//! so markup okr writes itself reads byte for byte as the default theme's
//! templates would write it.

/// `text` escaped for HTML text or an attribute value.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    push_escaped(&mut out, text);
    out
}

/// Appends `text` escaped as by [`escape_html`].
pub fn push_escaped(out: &mut String, text: &str) {
    // Writing into a String cannot fail.
    let _ = pulldown_cmark_escape::escape_html(&mut *out, text);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_characters_are_escaped_in_text_and_attributes() {
        let text = r#"<script>alert("x")</script> & 'y'"#;
        let escaped = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;";
        assert_eq!(escape_html(text), escaped);
        for plain in ["", "plain", "ünïcödé ✓ 👩‍💻", "a\tb\nc"] {
            assert_eq!(escape_html(plain), plain);
        }
        let mut out = String::from("<p>");
        push_escaped(&mut out, "1 < 2");
        assert_eq!(out, "<p>1 &lt; 2");
    }

    #[test]
    fn the_escape_is_the_one_templates_use() {
        let mut tera = tera::Tera::new();
        tera.add_raw_template("t.html", "{{ v }}|<a title=\"{{ v }}\">")
            .expect("a template");
        let mut context = tera::Context::new();
        let value = "<b> & \"q\" 'a' / =\u{1}\u{85}";
        context.insert("v", &value);
        let rendered = tera.render("t.html", &context).expect("renders");
        let escaped = escape_html(value);
        assert_eq!(rendered, format!("{escaped}|<a title=\"{escaped}\">"));
    }
}
