"""Personal-data detection in device traffic and anonymisation audits of datasets.

Importing the package pins tldextract to its bundled Public Suffix List: Presidio's e-mail
validator would otherwise try to download it (no timeout) on first use.
"""

import os

os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")
