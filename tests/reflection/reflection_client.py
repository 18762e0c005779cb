#!/usr/bin/python3
"""An independent citymatch client that knows no citymatch .proto file.

It learns the API from the server itself through gRPC server reflection
(grpc.reflection.v1alpha.ServerReflection), builds the message classes at run
time and calls the services with them, checking what every client relies on:

  * the server lists citymatch.v1.Catalog and citymatch.v1.Matching;
  * ListCities pages through every city, in id order, without overlap or gap,
    and the last page carries no next_page_token;
  * GetCity on an unknown id is NOT_FOUND, ListCities with page_size -3 is
    INVALID_ARGUMENT (with a google.rpc.BadRequest naming page_size);
  * RecommendPartners answers for a draft and for a stored project.

It prints the ranked city ids (with --json, one JSON object on stdout, for
tests that compare the ranking with another client's) and exits non-zero if a
check fails.

Only Debian's python3-grpcio and python3-protobuf are needed: the reflection
protocol's own messages are described below as a FileDescriptorProto, because
Debian does not package grpcio-reflection.

  /usr/bin/python3 tests/reflection/reflection_client.py \
      --server 127.0.0.1:50051 --token "$(cat var/admin.token)"
"""

import argparse
import json
import os
import sys

import grpc
from google.protobuf import descriptor_pb2
from google.protobuf import descriptor_pool
from google.protobuf import message_factory

DRAFT_THEMES = ["Migrants", "Inclusion"]
DRAFT_MEMBERS = ["cities/3173435", "cities/3169070"]  # Milano, Roma
PROJECT = "projects/urbact-arrival-cities"
REQUIRED_SERVICES = ["citymatch.v1.Catalog", "citymatch.v1.Matching"]
REFLECTION_METHOD = (
    "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo")


def _message_class(pool, full_name):
  """The generated class of `full_name` in `pool` (protobuf 3.x and 4.x)."""
  descriptor = pool.FindMessageTypeByName(full_name)
  if hasattr(message_factory, "GetMessageClass"):
    return message_factory.GetMessageClass(descriptor)
  return message_factory.MessageFactory(pool).GetPrototype(descriptor)


def _reflection_file():
  """grpc/reflection/v1alpha/reflection.proto, the part a client needs."""
  f = descriptor_pb2.FileDescriptorProto()
  f.name = "grpc/reflection/v1alpha/reflection.proto"
  f.package = "grpc.reflection.v1alpha"
  f.syntax = "proto3"
  T = descriptor_pb2.FieldDescriptorProto

  def message(name, fields, oneof=None):
    m = f.message_type.add()
    m.name = name
    if oneof:
      m.oneof_decl.add().name = oneof
    for number, field_name, kind, label, type_name, in_oneof in fields:
      field = m.field.add()
      field.name = field_name
      field.number = number
      field.type = kind
      field.label = label
      if type_name:
        field.type_name = ".grpc.reflection.v1alpha." + type_name
      if in_oneof:
        field.oneof_index = 0

  opt, rep = T.LABEL_OPTIONAL, T.LABEL_REPEATED
  message("ServerReflectionRequest", [
      (1, "host", T.TYPE_STRING, opt, None, False),
      (3, "file_by_filename", T.TYPE_STRING, opt, None, True),
      (4, "file_containing_symbol", T.TYPE_STRING, opt, None, True),
      (7, "list_services", T.TYPE_STRING, opt, None, True),
  ], oneof="message_request")
  message("ServerReflectionResponse", [
      (1, "valid_host", T.TYPE_STRING, opt, None, False),
      (2, "original_request", T.TYPE_MESSAGE, opt, "ServerReflectionRequest",
       False),
      (4, "file_descriptor_response", T.TYPE_MESSAGE, opt,
       "FileDescriptorResponse", True),
      (6, "list_services_response", T.TYPE_MESSAGE, opt,
       "ListServiceResponse", True),
      (7, "error_response", T.TYPE_MESSAGE, opt, "ErrorResponse", True),
  ], oneof="message_response")
  message("FileDescriptorResponse", [
      (1, "file_descriptor_proto", T.TYPE_BYTES, rep, None, False),
  ])
  message("ListServiceResponse", [
      (1, "service", T.TYPE_MESSAGE, rep, "ServiceResponse", False),
  ])
  message("ServiceResponse", [
      (1, "name", T.TYPE_STRING, opt, None, False),
  ])
  message("ErrorResponse", [
      (1, "error_code", T.TYPE_INT32, opt, None, False),
      (2, "error_message", T.TYPE_STRING, opt, None, False),
  ])
  return f


class ReflectionClient:
  """Asks a server for its services and their file descriptors."""

  def __init__(self, channel, metadata=()):
    self._metadata = tuple(metadata)
    pool = descriptor_pool.DescriptorPool()
    pool.Add(_reflection_file())
    self._request = _message_class(
        pool, "grpc.reflection.v1alpha.ServerReflectionRequest")
    response = _message_class(
        pool, "grpc.reflection.v1alpha.ServerReflectionResponse")
    self._call = channel.stream_stream(
        REFLECTION_METHOD,
        request_serializer=lambda m: m.SerializeToString(),
        response_deserializer=response.FromString)

  def _ask(self, **fields):
    responses = list(self._call(iter([self._request(**fields)]), timeout=30,
                                metadata=self._metadata))
    if len(responses) != 1:
      raise RuntimeError("expected one reflection response, got %d" %
                         len(responses))
    response = responses[0]
    if response.WhichOneof("message_response") == "error_response":
      raise LookupError("reflection: %s (%d)" %
                        (response.error_response.error_message,
                         response.error_response.error_code))
    return response

  def services(self):
    response = self._ask(list_services="")
    return [s.name for s in response.list_services_response.service]

  def files_containing(self, symbol):
    """FileDescriptorProtos of `symbol`'s file and its dependencies."""
    response = self._ask(file_containing_symbol=symbol)
    return [descriptor_pb2.FileDescriptorProto.FromString(b)
            for b in response.file_descriptor_response.file_descriptor_proto]

  def file_by_name(self, name):
    response = self._ask(file_by_filename=name)
    return [descriptor_pb2.FileDescriptorProto.FromString(b)
            for b in response.file_descriptor_response.file_descriptor_proto]


class DynamicApi:
  """Message classes and callables built from reflected descriptors."""

  def __init__(self, channel, reflection, symbols, metadata=()):
    self._channel = channel
    self._metadata = tuple(metadata)
    self._reflection = reflection
    self._pool = descriptor_pool.DescriptorPool()
    self._files = {}  # name -> FileDescriptorProto, not yet added
    self._added = set()
    for symbol in symbols:
      self.load(symbol)

  def load(self, symbol):
    for f in self._reflection.files_containing(symbol):
      self._files.setdefault(f.name, f)
    for name in list(self._files):
      self._add(name)

  def _add(self, name):
    """Adds `name` after its dependencies (the pool needs them first)."""
    if name in self._added:
      return
    if name not in self._files:
      # A dependency the server did not send along: ask for it by name.
      for f in self._reflection.file_by_name(name):
        self._files.setdefault(f.name, f)
    f = self._files[name]
    for dependency in f.dependency:
      self._add(dependency)
    self._pool.Add(f)
    self._added.add(name)

  def message(self, full_name):
    return _message_class(self._pool, full_name)

  def unary(self, service, method):
    """A callable for the unary `method` of `service` (full names)."""
    descriptor = self._pool.FindServiceByName(service).FindMethodByName(method)
    request = self.message(descriptor.input_type.full_name)
    response = self.message(descriptor.output_type.full_name)
    call = self._channel.unary_unary(
        "/%s/%s" % (service, method),
        request_serializer=lambda m: m.SerializeToString(),
        response_deserializer=response.FromString)

    def invoke(**fields):
      return call(request(**fields), timeout=60, metadata=self._metadata)

    return invoke


def _field_violations(api, error):
  """Fields named by the google.rpc.BadRequest in an RpcError's details."""
  details = dict(error.trailing_metadata() or ()).get("grpc-status-details-bin")
  if not details:
    return []
  status = api.message("google.rpc.Status").FromString(details)
  bad_request = api.message("google.rpc.BadRequest")
  fields = []
  for any_detail in status.details:
    if any_detail.type_url.endswith("/google.rpc.BadRequest"):
      message = bad_request.FromString(any_detail.value)
      fields.extend(v.field for v in message.field_violations)
  return fields


class Checks:
  """Collects check results; a failed check makes the client exit 1."""

  def __init__(self):
    self.results = {}

  def expect(self, name, ok, detail=""):
    self.results[name] = {"ok": bool(ok), "detail": detail}
    if not ok:
      print("FAILED: %s %s" % (name, detail), file=sys.stderr)

  def ok(self):
    return all(r["ok"] for r in self.results.values())


def _expect_error(checks, check, code, call, api=None, field=None, **fields):
  """Calls `call(**fields)` and checks it fails with `code` (and, if `field`
  is given, a field violation naming it)."""
  try:
    call(**fields)
    checks.expect(check, False, "succeeded, expected %s" % code.name)
  except grpc.RpcError as e:
    checks.expect(check, e.code() == code,
                  "got %s: %s" % (e.code().name, e.details()))
    if field is not None:
      violations = _field_violations(api, e)
      checks.expect(check + "_names_field", field in violations,
                    "field violations %s" % violations)


def run(server, page_size, token):
  channel = grpc.insecure_channel(server)
  grpc.channel_ready_future(channel).result(timeout=30)
  metadata = [("authorization", "Bearer " + token)] if token else []
  checks = Checks()
  reflection = ReflectionClient(channel, metadata)

  services = sorted(reflection.services())
  for service in REQUIRED_SERVICES:
    checks.expect("lists_" + service, service in services, str(services))
  api = DynamicApi(channel, reflection, REQUIRED_SERVICES, metadata)
  try:
    api.load("google.rpc.BadRequest")  # to decode error details
    api.load("google.rpc.Status")
  except LookupError as e:
    checks.expect("reflects_google_rpc", False, str(e))

  list_cities = api.unary("citymatch.v1.Catalog", "ListCities")
  get_city = api.unary("citymatch.v1.Catalog", "GetCity")
  recommend = api.unary("citymatch.v1.Matching", "RecommendPartners")

  # Page through every city.
  ids, token, pages, total = [], "", 0, None
  while True:
    page = list_cities(page_size=page_size, page_token=token)
    pages += 1
    ids.extend(c.name for c in page.cities)
    total = page.total_size
    token = page.next_page_token
    if not token or pages > 100000:
      break
  checks.expect("list_no_overlap", len(ids) == len(set(ids)),
                "%d ids, %d distinct" % (len(ids), len(set(ids))))
  checks.expect("list_no_gap", len(ids) == total,
                "%d listed, total_size %d" % (len(ids), total))
  checks.expect("list_ordered", ids == sorted(ids))
  checks.expect("list_ends", not token)

  _expect_error(checks, "get_unknown_city_not_found",
                grpc.StatusCode.NOT_FOUND, get_city,
                name="cities/no-such-city-0")
  _expect_error(checks, "negative_page_size_invalid",
                grpc.StatusCode.INVALID_ARGUMENT, list_cities, api=api,
                field="page_size", page_size=-3)

  draft_type = api.message("citymatch.v1.ProjectDraft")
  rankings = {}
  for what, fields in (
      ("draft", {"draft": draft_type(themes=DRAFT_THEMES,
                                     member_cities=DRAFT_MEMBERS)}),
      ("project", {"project": PROJECT})):
    reply = recommend(**fields)
    ranked = [r.city for r in reply.recommendations]
    rankings[what] = {
        "graph_version": reply.graph_version,
        "cities": ranked,
        "scores": [r.score for r in reply.recommendations],
        "reasons": [len(r.reasons) for r in reply.recommendations],
    }
    checks.expect(what + "_ten_cities", len(ranked) == 10, str(ranked))
    checks.expect(what + "_every_city_has_reasons",
                  all(len(r.reasons) > 0 for r in reply.recommendations))
  checks.expect("draft_excludes_members",
                not set(DRAFT_MEMBERS) & set(rankings["draft"]["cities"]))

  channel.close()
  return {
      "services": services,
      "cities_listed": len(ids),
      "pages": pages,
      "checks": checks.results,
      "draft": rankings["draft"],
      "project": rankings["project"],
      "ok": checks.ok(),
  }


def main():
  parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
  parser.add_argument("--server", default="127.0.0.1:50051",
                      help="host:port of citymatch-server")
  parser.add_argument("--page_size", type=int, default=1000,
                      help="ListCities page size")
  parser.add_argument("--token", default=os.environ.get("CITYMATCH_TOKEN", ""),
                      help="bearer token (default: $CITYMATCH_TOKEN)")
  parser.add_argument("--json", action="store_true",
                      help="print one JSON object instead of text")
  args = parser.parse_args()
  result = run(args.server, args.page_size, args.token)
  if args.json:
    print(json.dumps(result))
  else:
    print("services: %s" % ", ".join(result["services"]))
    print("ListCities: %d cities in %d pages" %
          (result["cities_listed"], result["pages"]))
    for name, check in sorted(result["checks"].items()):
      print("%-40s %s %s" % (name, "ok" if check["ok"] else "FAILED",
                             check["detail"]))
    for what, label in (("draft", "draft %s with %s" %
                         ("+".join(DRAFT_THEMES), ", ".join(DRAFT_MEMBERS))),
                        ("project", PROJECT)):
      print("RecommendPartners for %s (graph version %d):" %
            (label, result[what]["graph_version"]))
      for rank, (city, score) in enumerate(
          zip(result[what]["cities"], result[what]["scores"]), 1):
        print("  %2d. %-16s %.6f" % (rank, city, score))
  return 0 if result["ok"] else 1


if __name__ == "__main__":
  sys.exit(main())
