{
  "targets": [
    {
      "target_name": "af_packet",
      "sources": ["af_packet.c"],
      "cflags": ["-std=gnu11", "-Wall", "-Wextra", "-Wno-unused-parameter"],
      "defines": ["NAPI_VERSION=8"]
    }
  ]
}
