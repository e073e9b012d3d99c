"""Password rules (OWASP ASVS 2.1): a minimum length and a maintained strength estimator.

No composition rules: they make passwords worse, not better. Strength is estimated by
``zxcvbn`` (Dropbox's estimator, dictionaries of common passwords, names, keyboard patterns,
dates and years), fed with the Swedish words people put in passwords here ("Sommar2027",
"Välkommen1", "Vagval2026"). A password is accepted when zxcvbn estimates at least
:data:`MIN_GUESSES` guesses (its score 3, "safely unguessable"), which at the login
throttle's global rate (docs/security.md) takes longer than years of online guessing.
"""

from __future__ import annotations

from zxcvbn import zxcvbn

MIN_LENGTH = 10
MAX_LENGTH = 1024
MIN_GUESSES = 10**8
"""zxcvbn's score 3 ("safely unguessable") starts at 10^8 estimated guesses."""

_ZXCVBN_MAX = 72  # zxcvbn refuses longer inputs

# Swedish and local words zxcvbn's English dictionaries do not know: a password made of one of
# these plus digits is as weak as "Summer2026".
SWEDISH_WORDS = tuple(
    """
    sommar vinter host höst hosten hösten var vår varen våren valkommen välkommen losenord
    lösenord hemlig hemligt hejsan hejhej sverige svenska stockholm goteborg göteborg malmo
    malmö skaraborg skovde skövde lidkoping lidköping mariestad falkoping falköping tibro
    tidaholm hjo karlsborg gullspang gullspång toreboda töreboda essunga grastorp grästorp
    vara gotene götene skara kommun kommunen vagval vägval processledare kansliet region
    januari februari mars april maj juni juli augusti september oktober november december
    mandag måndag tisdag onsdag torsdag fredag lordag lördag sondag söndag jul midsommar
    alskling älskling kärlek karlek fotboll hockey
    """.split()
)


def password_problem(password: str, *, email: str = "") -> str | None:
    """Return a Swedish explanation of why ``password`` is refused, or None if it is fine."""
    if len(password) < MIN_LENGTH:
        return (
            f"Lösenordet måste ha minst {MIN_LENGTH} tecken. Tips: en fras av några ord, "
            "t.ex. fyra ord som inte hör ihop."
        )
    if len(password) > MAX_LENGTH:
        return f"Lösenordet får ha högst {MAX_LENGTH} tecken."
    local = email.split("@", 1)[0].lower()
    if local and len(local) >= 4 and local in password.lower():
        return "Lösenordet får inte innehålla din e-postadress."
    inputs = [*SWEDISH_WORDS, *([local] if local else [])]
    if len(set(password.lower())) < 4 or estimated_guesses(password, inputs) < MIN_GUESSES:
        return (
            "Lösenordet är för lätt att gissa: det liknar vanliga lösenord (ord, namn, "
            "årtal, tangentbordsmönster som ”qwerty”). Välj en längre lösenfras, "
            "t.ex. fyra ord som inte hör ihop."
        )
    return None


def estimated_guesses(password: str, user_inputs: list[str] | tuple[str, ...] = ()) -> float:
    """zxcvbn's guess estimate; a password longer than zxcvbn accepts is estimated in pieces
    of 72 characters whose guesses multiply (each piece must be guessed)."""
    total = 1.0
    for start in range(0, max(len(password), 1), _ZXCVBN_MAX):
        piece = password[start:start + _ZXCVBN_MAX]
        total *= float(zxcvbn(piece, user_inputs=list(user_inputs))["guesses"])
    return total
