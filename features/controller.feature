@controller @bgp @ibgp @ipv4 @ipv6 @dualstack @doc-27.2.1
Feature: Allocation: the controller gives Services their IPs
  Everywhere else the harness plays MetalLB's controller and writes each Service's IPs into
  status.loadBalancer.ingress, so a speaker only announces. Here the Services come as a user writes
  them, without status: the system under test must allocate as MetalLB's controller does
  (internal/allocator/allocator.go: Allocate takes the first free address of an autoAssign pool, one per
  family the Service asks for; AllocateFromPool serves a pool named by metallb.io/address-pool, even with
  autoAssign false). The router's table shows what it chose.

  Scenario: a dual-stack Service gets the first address of each family from the auto-assign pool; a Service naming an autoAssign false pool gets its first address
    Given nodes "NodeA" and the router "tor" on one segment
    And every node peers with "tor" over iBGP
    And the manifests:
      """yaml
      apiVersion: metallb.io/v1beta1
      kind: IPAddressPool
      metadata:
        name: auto
        namespace: metallb-system
      spec:
        addresses:
          - 203.0.113.160/30
          - 2001:db8:160::/126
      ---
      apiVersion: metallb.io/v1beta1
      kind: IPAddressPool
      metadata:
        name: manual
        namespace: metallb-system
      spec:
        addresses:
          - 203.0.113.170/31
        autoAssign: false
      ---
      apiVersion: metallb.io/v1beta1
      kind: BGPAdvertisement
      metadata:
        name: all
        namespace: metallb-system
      """
    And a dual-stack Service "default/a" with a ready endpoint on "NodeA"
    And a Service "default/b" from the pool "manual" with a ready endpoint on "NodeA"
    When the speaker runs on every node
    Then "tor" has exactly these routes:
      | prefix              | next hops | origin | as path | local pref | communities |
      | 203.0.113.160/32    | NodeA     | IGP    | empty   | unset      | none        |
      | 2001:db8:160::/128  | NodeA     | IGP    | empty   | unset      | none        |
      | 203.0.113.170/32    | NodeA     | IGP    | empty   | unset      | none        |
