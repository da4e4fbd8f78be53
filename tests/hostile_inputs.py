"""Hostile inputs a reader or an editor might type. Each must come back as text (or be
sanitised away in Markdown), never as markup that runs. Scripts in here call alert() or
set window.__pwned, which the browser test watches for."""

LONG_WORD = "A" * 10_000

HOSTILE_INPUTS = [
    # Script tags, plain and disguised.
    "<script>alert(1)</script>",
    "<script>window.__pwned=1</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<script>/*</script><script>*/window.__pwned=1</script>",
    '"><script>alert(1)</script>',
    "'><script>window.__pwned=1</script>",
    "</textarea><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    '</script><script>alert("json")</script>',
    "<script type=module>window.__pwned=1</script>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
    # Event-handler attributes.
    "<img src=x onerror=alert(1)>",
    "<img src=x onerror='window.__pwned=1'>",
    "<body onload=alert(1)>",
    '<div onmouseover="alert(1)">hover me</div>',
    "<input autofocus onfocus=alert(1)>",
    "<details open ontoggle=alert(1)>",
    '<a href="#" onclick="window.__pwned=1">click</a>',
    '" onmouseover="alert(1)" x="',
    "' autofocus onfocus='alert(1)' x='",
    "<video><source onerror=alert(1)></video>",
    "<marquee onstart=alert(1)>x</marquee>",
    # javascript: and data: URLs.
    "[click me](javascript:alert(1))",
    '<a href="javascript:alert(1)">link</a>',
    '<a href="JaVaScRiPt:alert(1)">mixed case</a>',
    '<a href="&#106;avascript:alert(1)">entity</a>',
    '<a href=" javascript:alert(1)">leading space</a>',
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '<a href="data:text/html,<script>alert(1)</script>">data</a>',
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="<script>parent.__pwned=1</script>"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="data:image/svg+xml,<svg onload=alert(1)>">',
    '<form action="javascript:alert(1)"><button>go</button></form>',
    "![img](javascript:alert(1))",
    "javascript:alert(1)",
    # SVG and MathML tricks.
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">x</text></a></svg>',
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<math href="javascript:alert(1)">CLICK</math>',
    "<svg><foreignObject><iframe onload=alert(1)></iframe></foreignObject></svg>",
    # Broken and nested markup.
    "<<script>alert(1)//<</script>",
    "<img src=\"x\" alt='\"' onerror=alert(1)//'>",
    "<p><b><i>unclosed <u>tags",
    "</div></section></main></body></html><script>alert(1)</script>",
    "<!--<img src=x onerror=alert(1)>-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    "<style>body{display:none}</style>",
    '<link rel="stylesheet" href="//evil.example/x.css">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="//evil.example/">',
    # Template syntax.
    "{{ 7*7 }} {{ settings.SECRET_KEY }}",
    "{% debug %}{% load static %}",
    "{{ request.META }} ${7*7} #{7*7} <%= 7*7 %>",
    # Right-to-left overrides and zero-width characters.
    "\u202eevil\u202c txt.exe",
    "admin\u200b\u200c\u200d\ufeff",
    "\u2067hidden\u2069 \u200fRLM",
    # Very long words, emoji and scripts.
    LONG_WORD,
    "👨‍👩‍👧‍👦 👩🏽‍💻 🏳️‍🌈 🧑‍🤝‍🧑 ❤️‍🔥",
    "مرحبا بالعالم — هذه تعليق باللغة العربية",
    "قال: «<script>alert(1)</script>»",
    "Ünïcødé ﬁ ＜script＞alert(1)＜/script＞",
]
