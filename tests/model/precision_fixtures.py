"""Texts shared by the int8 and bf16 tests: ordinary posts, a one-word text and a long (windowed) one."""

from __future__ import annotations

TEXTS = [
    "pemerintah membantah kabar bahwa vaksin mengandung chip pelacak",
    "dasar bodoh kamu tidak tahu apa apa soal politik",
    "ok",
    "tolong viralkan agar semua orang tahu kebenarannya " * 40,  # windowed
]
