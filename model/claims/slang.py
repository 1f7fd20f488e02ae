"""Word tables for claim matching: chat abbreviations, regional words and same-thing words."""

from __future__ import annotations

# Common chat spellings, used when no slang table is given (a model's normaliser brings the full table).
BUILTIN_SLANG: dict[str, str] = {
    "gk": "tidak", "ga": "tidak", "gak": "tidak", "nggak": "tidak", "ngga": "tidak", "enggak": "tidak",
    "engga": "tidak", "tdk": "tidak", "tak": "tidak", "g": "tidak", "jgn": "jangan", "jngn": "jangan",
    "bgt": "banget", "yg": "yang", "dgn": "dengan", "dg": "dengan", "utk": "untuk", "untk": "untuk",
    "krn": "karena", "krna": "karena", "karna": "karena", "sdh": "sudah", "udh": "sudah", "udah": "sudah",
    "dah": "sudah", "blm": "belum", "blum": "belum", "org": "orang", "orng": "orang", "hrs": "harus",
    "aja": "saja", "bkn": "bukan", "bnr": "benar", "bener": "benar", "kmrn": "kemarin", "skrg": "sekarang",
    "skrng": "sekarang", "dr": "dari", "dri": "dari", "sm": "sama", "lg": "lagi", "bs": "bisa", "bsa": "bisa",
    "gmn": "bagaimana", "gimana": "bagaimana", "knp": "kenapa", "emg": "memang", "emang": "memang",
    "msh": "masih", "sblm": "sebelum", "stlh": "setelah", "trs": "terus", "pd": "pada", "dpt": "dapat",
    "klo": "kalau", "kalo": "kalau", "kl": "kalau", "tau": "tahu", "tw": "tahu", "ank": "anak", "anak2": "anak",
    "hoax": "hoaks", "hoak": "hoaks", "hoaxs": "hoaks", "hox": "hoaks", "pmrntah": "pemerintah",
    "pemerinta": "pemerintah", "sy": "saya", "aq": "aku", "gw": "aku", "gue": "aku", "lo": "kamu", "lu": "kamu",
    "km": "kamu", "kmu": "kamu", "dl": "dulu", "dlu": "dulu", "bwt": "buat", "jd": "jadi", "jdi": "jadi",
    "sampe": "sampai", "smpe": "sampai", "bgs": "bagus", "sbr": "sebar", "sebarin": "sebarkan",
    "viralin": "viralkan", "nyebar": "menyebar", "duit": "uang", "thn": "tahun", "taun": "tahun",
    "bln": "bulan", "dpn": "depan", "mgg": "minggu", "hr": "hari", "jg": "juga", "jga": "juga", "tnp": "tanpa",
    "lgsg": "langsung", "lgs": "langsung", "pk": "pakai", "pake": "pakai", "sklh": "sekolah", "skolah": "sekolah",
    "smbil": "sambil", "sambil2": "sambil", "tf": "transfer", "trf": "transfer", "gausah": "tidak usah",
    "gaes": "teman", "gan": "teman", "bun": "bunda", "ortu": "orang tua", "tlp": "telepon", "tlpn": "telepon",
    "nelpon": "menelepon", "brp": "berapa", "bnyk": "banyak", "byk": "banyak", "sdikit": "sedikit",
    "ati2": "hati hati", "hati2": "hati hati", "bsk": "besok", "besuk": "besok", "ntar": "nanti", "nnti": "nanti",
    "td": "tadi", "tdi": "tadi", "mlm": "malam", "malem": "malam", "pgi": "pagi", "siang2": "siang",
    "bansos": "bantuan sosial", "loker": "lowongan kerja", "ojol": "ojek online", "tka": "tenaga kerja asing",
    "migor": "minyak goreng", "medsos": "media sosial", "rek": "rekening", "wa": "whatsapp", "hp": "ponsel",
    "jkt": "jakarta", "jaktim": "jakarta timur", "jogja": "yogyakarta", "jateng": "jawa tengah",
    "jatim": "jawa timur", "jabar": "jawa barat", "pemda": "pemerintah daerah", "kades": "kepala desa",
}

# Words the claim matcher reads one way whatever the slang table says (they win over the catalogue's
# entries): same-thing words that tables send to different forms ("hp" -> "handphone" while a claim says
# "ponsel"), and regional words that a general slang table reads as something else ("ojo" is Javanese for
# "jangan", not "ojek online").
CLAIM_SYNONYMS: dict[str, str] = {
    "hp": "ponsel", "hape": "ponsel", "handphone": "ponsel", "smartphone": "ponsel", "ponsel": "ponsel",
    "microchip": "chip", "mikrochip": "chip", "mikrocip": "chip", "cip": "chip", "chipnya": "chip",
    "ojo": "jangan", "ojok": "jangan", "aja2": "jangan", "ulah": "jangan",
    "duren": "durian", "coklat": "cokelat", "vit": "vitamin", "vaccine": "vaksin", "vaksinasi": "vaksin",
    "cewe": "perempuan", "cewek": "perempuan", "wanita": "perempuan", "awewe": "perempuan",
    "tiap": "setiap", "saben": "setiap", "masing-masing": "setiap", "perorang": "setiap orang",
    "free": "gratis", "cuma-cuma": "gratis", "duwit": "uang", "duit": "uang", "doku": "uang",
    "dapet": "dapat", "dpt": "dapat", "oleh-oleh": "oleh-oleh",
}

# Regional (Javanese, Sundanese, Betawi) and English words common in posts, used when the slang table does
# not know them (the catalogue's entries win). Only unambiguous words: "mari", "oleh", "lemah" and
# "wedi" mean something else in Indonesian and are left alone.
REGIONAL_SLANG: dict[str, str] = {
    # Javanese
    "ngombe": "minum", "mangan": "makan", "sasi": "bulan", "wulan": "bulan", "sesuk": "besok",
    "dina": "hari", "dino": "hari", "sedino": "sehari", "mudhun": "turun", "mundhak": "naik", "munggah": "naik",
    "tuku": "beli", "dadi": "jadi", "mbayar": "bayar", "manungsa": "manusia", "godhong": "daun",
    "banyu": "air", "godhokan": "rebusan", "engkas": "lagi", "maneh": "lagi", "teko": "datang",
    "mlebu": "masuk", "prei": "libur", "anyar": "baru", "ngarep": "depan", "wiwit": "mulai", "udel": "pusar",
    "tandha": "tanda", "kelelep": "tenggelam", "nganggo": "memakai", "dalan": "jalan", "mengko": "nanti",
    "lan": "dan", "sing": "yang", "saka": "dari", "soko": "dari", "kanggo": "untuk", "gelem": "mau",
    "isine": "isinya", "ngowahi": "mengubah", "arep": "akan", "durung": "belum", "payu": "laku",
    "lara": "sakit", "loro": "dua", "telu": "tiga", "papat": "empat", "rong": "dua", "telung": "tiga",
    # Sundanese
    "budak": "anak", "poe": "hari", "tilu": "tiga", "tina": "dari", "pisan": "sekali", "moal": "tidak akan",
    "acan": "belum", "pun": "pun", "lini": "gempa", "nyieun": "membuat", "meuli": "beli",
    # Betawi / Jakarta
    "kagak": "tidak", "kaga": "tidak", "ogah": "tidak mau", "bokap": "ayah", "nyokap": "ibu", "gede": "besar",
    # English code-mixing
    "share": "sebarkan", "please": "tolong", "urgent": "penting", "guys": "teman", "link": "tautan",
}
