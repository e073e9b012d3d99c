"""Password rules (OWASP ASVS 2.1): at least 8 characters, long passphrases welcome,
common passwords refused. No composition rules: they make passwords worse, not better."""

from __future__ import annotations

import re

MIN_LENGTH = 8
MAX_LENGTH = 1024

# The most common passwords in public breach lists, plus Swedish favourites.
_COMMON = frozenset(
    """
    12345678 123456789 1234567890 password password1 password123 passw0rd qwertyui qwertyuiop
    11111111 00000000 12341234 87654321 iloveyou sunshine princess football baseball welcome
    welcome1 abc12345 abcd1234 1q2w3e4r 1qaz2wsx zaq12wsx letmein1 trustno1 dragon123 monkey123
    superman starwars whatever computer internet michael jennifer charlie1 shadow12 master12
    admin123 administrator changeme changeme1 default1 secret12 testtest test1234 qazwsxedc
    asdfghjk asdfasdf zxcvbnm1 q1w2e3r4 password! p@ssw0rd p@ssword football1 liverpool
    chelsea1 arsenal1 mustang1 access14 flower12 hello123 freedom1 whatever1 lovely12
    losenord lösenord lösenord1 losenord1 lösenord123 losenord123 sommar2024 sommar2025
    sommar2026 vinter2024 vinter2025 vinter2026 hosten2025 varen2026 sverige1 sverige123
    stockholm goteborg göteborg skaraborg skaraborg1 skovde123 skövde123 lidkoping mariestad
    falkoping falköping hejhej123 hejsan123 qwerty123 qwertyu1 välkommen valkommen valkommen1
    vagval123 vägval123 processledare kommunen kommun123 abc123abc 123qweasd 123abc123
    """.split()
)


def password_problem(password: str, *, email: str = "") -> str | None:
    """Return a Swedish explanation of why ``password`` is refused, or None if it is fine."""
    if len(password) < MIN_LENGTH:
        return f"Lösenordet måste ha minst {MIN_LENGTH} tecken."
    if len(password) > MAX_LENGTH:
        return f"Lösenordet får ha högst {MAX_LENGTH} tecken."
    folded = password.strip().lower()
    if folded in _COMMON or re.fullmatch(r"(.)\1+", folded) or re.fullmatch(r"\d+", folded):
        return "Lösenordet är för vanligt eller lätt att gissa. Välj en längre lösenfras."
    local = email.split("@", 1)[0].lower()
    if local and len(local) >= 4 and local in folded:
        return "Lösenordet får inte innehålla din e-postadress."
    return None
