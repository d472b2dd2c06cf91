@l2 @membership-security
Feature: L2 membership security: a forged member on the segment
  Speakers learn who is alive from membership datagrams under an HMAC with a secret only the nodes
  share. A host on the node segment that is not a node ("intruder") knows the protocol but not the
  secret: whatever it sends, forged or replayed, every speaker refuses it and logs why, nobody's view
  of who is alive changes, and the Service IP stays with its owner (the host's ARP answer keeps the
  owner's MAC, no other node announces it).

  Background:
    Given the manifests:
      """yaml
      apiVersion: metallb.io/v1beta1
      kind: IPAddressPool
      metadata:
        namespace: metallb-system
        name: l2-security
      spec:
        addresses:
          - 203.0.113.0/28
        autoAssign: false
      ---
      apiVersion: metallb.io/v1beta1
      kind: L2Advertisement
      metadata:
        name: l2-security
        namespace: metallb-system
      spec:
        ipAddressPools:
          - l2-security
      """
    And nodes "NodeA, NodeB, NodeC" and the hosts "client, intruder" on one segment
    And a Service "default/web" requesting "203.0.113.10" with a ready endpoint on "NodeA"
    When the speaker runs on every node
    # Start-up time is l2-basic's subject; here every attack begins from a settled membership.
    And every speaker has settled its membership, seeing every node alive
    Then "client" gets exactly one answer for "203.0.113.10", from the elected node

  @ipv4
  Scenario: heartbeats and leave messages without the secret are refused
    When "intruder" forges these membership messages to every node, "owner" being the node that answers for "203.0.113.10", while "client" listens:
      | from            | type      | signature | counter |
      | NodeZ           | heartbeat | wrong key | next    |
      | each other node | heartbeat | wrong key | next    |
      | each other node | leave     | wrong key | next    |
      | each other node | heartbeat | none      | next    |
      | each other node | leave     | none      | next    |
    Then every speaker "intruder" wrote to logs each of its datagrams as rejected, reason "bad-mac"
    And no speaker's membership changed, and "client" still gets exactly one answer for "203.0.113.10" from the same node, with no gratuitous ARP from another node

  @ipv4
  Scenario: a forged "owner leaves" message is refused, whatever its counter
    When "intruder" forges these membership messages to every node, "owner" being the node that answers for "203.0.113.10", while "client" listens:
      | from  | type  | signature | counter |
      | owner | leave | wrong key | next    |
      | owner | leave | wrong key | max     |
      | owner | leave | none      | max     |
    Then every speaker "intruder" wrote to logs each of its datagrams as rejected, reason "bad-mac"
    And no speaker's membership changed, and "client" still gets exactly one answer for "203.0.113.10" from the same node, with no gratuitous ARP from another node

  @ipv4
  Scenario: real membership messages captured on the segment and replayed, the owner's leave included, are refused
    When "intruder" captures the membership traffic on the segment while the node that answers for "203.0.113.10" restarts its speaker gracefully
    And every speaker has settled its membership, seeing every node alive
    Then "client" gets exactly one answer for "203.0.113.10", from the elected node
    When "intruder" replays the membership messages it captured from the node that answers for "203.0.113.10", its leave messages included, to their receivers while "client" listens
    Then every speaker "intruder" wrote to logs each of its datagrams as rejected, reason "replay"
    And no speaker's membership changed, and "client" still gets exactly one answer for "203.0.113.10" from the same node, with no gratuitous ARP from another node
